package dev.echelon.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

/**
 * An SSE client for big streams: it keeps what each event was (id, name, replay, chunk index,
 * CRC-32 and size of its data), never the data, and can read at a fixed rate, taking bytes off the
 * socket no faster than a slow browser would, so the server sees real back-pressure.
 */
public final class CountingSseReader implements AutoCloseable {
  private static final Pattern HEAD = Pattern.compile("\\{\"replay_id\":\"([A-Za-z0-9_-]+)\"(?:,\"chunk_index\":(\\d+))?");
  private static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();

  /** One event, without its data. */
  public record Event(long id, String name, String replayId, int chunkIndex, int crc, int length) {}

  public final List<Event> events = new CopyOnWriteArrayList<>();
  private final long bytesPerSecond;
  private final Call call;
  private final CountDownLatch connected = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile long bytes;

  /** @param bytesPerSecond 0 to read as fast as possible */
  public CountingSseReader(String url, long bytesPerSecond, boolean gzip) {
    this.bytesPerSecond = bytesPerSecond;
    Request.Builder req = new Request.Builder().url(url).header("Accept", "text/event-stream");
    if (!gzip) req.header("Accept-Encoding", "identity");
    call = HTTP.newCall(req.build());
    Thread.ofPlatform().daemon().name("counting-sse").start(this::run);
    try {
      if (!connected.await(10, TimeUnit.SECONDS)) throw new AssertionError("SSE connect timed out: " + url);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  public long bytes() {
    return bytes;
  }

  public boolean ended() {
    return ended.getCount() == 0;
  }

  private void run() {
    try (Response response = call.execute()) {
      connected.countDown();
      BufferedSource in = response.body().source();
      Buffer line = new Buffer();
      long start = System.nanoTime();
      long id = -1;
      String name = null;
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf, 0, bytesPerSecond > 0 ? (int) Math.min(buf.length, bytesPerSecond / 20) : buf.length)) > 0) {
        bytes += n;
        int from = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] != '\n') continue;
          line.write(buf, from, i - from);
          from = i + 1;
          byte[] l = line.readByteArray();
          if (l.length == 0) {
            name = null;
          } else if (startsWith(l, "id: ")) {
            id = Long.parseLong(new String(l, 4, l.length - 4, StandardCharsets.US_ASCII));
          } else if (startsWith(l, "event: ")) {
            name = new String(l, 7, l.length - 7, StandardCharsets.US_ASCII);
          } else if (startsWith(l, "data: ")) {
            Matcher m = HEAD.matcher(new String(l, 6, Math.min(120, l.length - 6), StandardCharsets.UTF_8));
            CRC32 crc = new CRC32();
            crc.update(l, 6, l.length - 6);
            boolean head = m.lookingAt();
            events.add(new Event(id, name, head ? m.group(1) : null, head && m.group(2) != null
                ? Integer.parseInt(m.group(2)) : -1, (int) crc.getValue(), l.length - 6));
          }
        }
        line.write(buf, from, n - from);
        if (bytesPerSecond > 0) {
          long due = start + bytes * 1_000_000_000L / bytesPerSecond;
          long wait = due - System.nanoTime();
          if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    } catch (IOException | InterruptedException e) {
      // closed
    } finally {
      connected.countDown();
      ended.countDown();
    }
  }

  private static boolean startsWith(byte[] l, String prefix) {
    if (l.length < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) if (l[i] != prefix.charAt(i)) return false;
    return true;
  }

  /** Waits until an event satisfying the test arrives. */
  public boolean await(java.util.function.Predicate<Event> test, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      for (Event e : events) if (test.test(e)) return true;
      if (ended()) return false;
      Thread.sleep(20);
    }
    return false;
  }

  @Override public void close() {
    call.cancel();
  }
}
