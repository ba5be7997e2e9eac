package dev.echelon.bench;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPInputStream;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A viewer for load tests: reads /events (gzip or plain), counts bytes on the wire, and records
 * when each chunk of each replay arrived.
 */
final class SseCounter implements AutoCloseable {
  static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();

  final ConcurrentHashMap<String, long[]> arrivals = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, CountDownLatch> ends = new ConcurrentHashMap<>();
  volatile long wireBytes;
  /** True once the stream ended (the server closed it or dropped this viewer). */
  volatile boolean closed;
  private final Call call;
  private final CountDownLatch connected = new CountDownLatch(1);

  private final long bytesPerSecond;

  SseCounter(String url, boolean gzip, int maxChunks) throws InterruptedException {
    this(url, gzip, maxChunks, 0);
  }

  /** A viewer that takes bytes off its socket no faster than {@code bytesPerSecond} (0: as fast as it can). */
  SseCounter(String url, boolean gzip, int maxChunks, long bytesPerSecond) throws InterruptedException {
    this.bytesPerSecond = bytesPerSecond;
    call = HTTP.newCall(new Request.Builder().url(url).header("Accept-Encoding", gzip ? "gzip" : "identity").build());
    Thread.ofPlatform().daemon().start(() -> run(gzip, maxChunks));
    connected.await();
  }

  CountDownLatch end(String replayId) {
    CountDownLatch l = ends.computeIfAbsent(replayId, k -> new CountDownLatch(1));
    if (closed) l.countDown();
    return l;
  }

  /** True when the replay's end event arrived (not merely the stream's end). */
  boolean got(String replayId) {
    return endSeen.contains(replayId);
  }

  private final java.util.Set<String> endSeen = ConcurrentHashMap.newKeySet();

  private void run(boolean gzip, int maxChunks) {
    try (Response r = call.execute()) {
      long start = System.nanoTime();
      InputStream counting = new FilterInputStream(r.body().byteStream()) {
        @Override public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, bytesPerSecond > 0 ? Math.min(len, (int) (bytesPerSecond / 50)) : len);
          if (n > 0) wireBytes += n;
          if (bytesPerSecond > 0) throttle(start);
          return n;
        }
      };
      connected.countDown();
      // InflaterInputStream.available() says 1 until EOF, which makes InputStreamReader block for more
      // input while it already holds a whole event; report 0 so each event is handed over at once
      InputStream in = gzip ? new FilterInputStream(new GZIPInputStream(counting, 64 * 1024)) {
        @Override public int available() {
          return 0;
        }
      } : counting;
      scan(in, maxChunks);
    } catch (IOException e) {
      // closed
    } finally {
      connected.countDown();
      closed = true;
      ends.values().forEach(CountDownLatch::countDown); // a dropped viewer waits for nothing more
    }
  }

  /**
   * Splits the stream into lines without decoding them: only event names and the first bytes of
   * each data line are looked at, so the reader costs the shared CPU little more than the copy.
   */
  private void scan(InputStream in, int maxChunks) throws IOException {
    byte[] buf = new byte[64 * 1024];
    byte[] head = new byte[160];
    int headLen = 0;
    String event = null;
    int n;
    while ((n = in.read(buf)) > 0) {
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b == '\n') {
          String line = new String(head, 0, headLen, StandardCharsets.UTF_8);
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ") && event != null) {
            long now = System.nanoTime();
            String id = field(line, "\"replay_id\":\"", '"');
            if (event.equals("replay_chunk")) {
              int index = Integer.parseInt(field(line, "\"chunk_index\":", ','));
              arrivals.computeIfAbsent(id, k -> new long[maxChunks])[index] = now;
            } else if (event.equals("replay_end")) {
              endSeen.add(id);
              end(id).countDown();
            }
          }
          headLen = 0;
        } else if (headLen < head.length) {
          head[headLen++] = b;
        }
      }
    }
  }

  private void throttle(long start) throws IOException {
    long wait = start + wireBytes * 1_000_000_000L / bytesPerSecond - System.nanoTime();
    if (wait <= 0) return;
    try {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    } catch (InterruptedException e) {
      throw new java.io.InterruptedIOException();
    }
  }

  private static String field(String line, String key, char stop) {
    int i = line.indexOf(key) + key.length();
    return line.substring(i, line.indexOf(stop, i));
  }

  @Override public void close() {
    call.cancel();
  }
}
