package dev.echelon.bench;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
  private final Call call;
  private final CountDownLatch connected = new CountDownLatch(1);

  SseCounter(String url, boolean gzip, int maxChunks) throws InterruptedException {
    call = HTTP.newCall(new Request.Builder().url(url).header("Accept-Encoding", gzip ? "gzip" : "identity").build());
    Thread.ofPlatform().daemon().start(() -> run(gzip, maxChunks));
    connected.await();
  }

  CountDownLatch end(String replayId) {
    return ends.computeIfAbsent(replayId, k -> new CountDownLatch(1));
  }

  private void run(boolean gzip, int maxChunks) {
    try (Response r = call.execute()) {
      InputStream counting = new FilterInputStream(r.body().byteStream()) {
        @Override public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) wireBytes += n;
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
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 256 * 1024);
      String event = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && event != null) {
          long now = System.nanoTime();
          String id = field(line, "\"replay_id\":\"", '"');
          if (event.equals("replay_chunk")) {
            int index = Integer.parseInt(field(line, "\"chunk_index\":", ','));
            arrivals.computeIfAbsent(id, k -> new long[maxChunks])[index] = now;
          } else if (event.equals("replay_end")) {
            end(id).countDown();
          }
        }
      }
    } catch (IOException e) {
      // closed
    } finally {
      connected.countDown();
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
