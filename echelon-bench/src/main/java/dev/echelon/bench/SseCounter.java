package dev.echelon.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPInputStream;

/**
 * A viewer for load tests: reads /events (gzip or plain), counts bytes on the wire, and records
 * when each chunk of each replay arrived. It speaks HTTP/1.1 on a plain socket and looks at each
 * line's first bytes only, so that the 16 of them sharing the bench machine's cores with the
 * server cost as little as a viewer can: they stand in for browsers on other machines.
 */
final class SseCounter implements AutoCloseable {
  final ConcurrentHashMap<String, long[]> arrivals = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, CountDownLatch> ends = new ConcurrentHashMap<>();
  volatile long wireBytes;
  /** True once the stream ended (the server closed it or dropped this viewer). */
  volatile boolean closed;
  private final Socket socket;
  private final CountDownLatch connected = new CountDownLatch(1);

  private final long bytesPerSecond;
  private final boolean browser;
  /** A browser's budget: bytes it may still take now (refills at its pace, up to one second's worth). */
  private double allowance;
  private long refilledAt = System.nanoTime();

  SseCounter(String url, boolean gzip, int maxChunks) throws InterruptedException {
    this(url, gzip, maxChunks, 0);
  }

  /** A viewer that takes bytes off its socket no faster than {@code bytesPerSecond} (0: as fast as it can). */
  SseCounter(String url, boolean gzip, int maxChunks, long bytesPerSecond) throws InterruptedException {
    this(url, gzip, maxChunks, bytesPerSecond, false);
  }

  /**
   * @param browser read like a browser on a link of {@code bytesPerSecond}: bursts of up to one
   *     second's worth, that pace on average, on a virtual thread (a thousand of them are cheap)
   */
  SseCounter(String url, boolean gzip, int maxChunks, long bytesPerSecond, boolean browser) throws InterruptedException {
    this.bytesPerSecond = bytesPerSecond;
    this.browser = browser;
    URI uri = URI.create(url);
    try {
      socket = new Socket(uri.getHost(), uri.getPort());
      socket.getOutputStream().write(("GET " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
          + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nAccept: text/event-stream\r\n"
          + "Accept-Encoding: " + (gzip ? "gzip" : "identity") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    (browser ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true)).start(() -> run(gzip, maxChunks));
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
    try (Socket s = socket) {
      // a throttled viewer reads its socket in small steps, so the kernel's buffer fills as a slow client's would
      InputStream wire = new BufferedInputStream(s.getInputStream(), bytesPerSecond > 0 ? 16 * 1024 : 256 * 1024);
      InputStream body = new Dechunked(wire);
      long start = System.nanoTime();
      InputStream counting = new FilterInputStream(body) {
        @Override public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, bytesPerSecond > 0 ? Math.min(len, (int) (bytesPerSecond / 50)) : len);
          if (n > 0) wireBytes += n;
          if (bytesPerSecond > 0 && n > 0) throttle(start, n);
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
      int i = 0;
      while (i < n) {
        int nl = newline(buf, i, n);
        int end = nl < 0 ? n : nl;
        int take = Math.min(end - i, head.length - headLen); // only a line's first bytes are kept
        System.arraycopy(buf, i, head, headLen, take);
        headLen += take;
        if (nl < 0) break;
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
        i = nl + 1;
      }
    }
  }

  /**
   * The next '\n' in {@code b[from, to)}, or -1. Short lines (event names, ids, pings) are found
   * by looking at their bytes; past the first 256 a Latin-1 string's indexOf, a vectorised search,
   * takes over, several times cheaper than a loop over a 1.65 MB data line.
   */
  private static int newline(byte[] b, int from, int to) {
    int near = Math.min(to, from + 256);
    for (int i = from; i < near; i++) if (b[i] == '\n') return i;
    if (near == to) return -1;
    int at = new String(b, near, to - near, StandardCharsets.ISO_8859_1).indexOf('\n');
    return at < 0 ? -1 : near + at;
  }

  private void throttle(long start, int took) throws IOException {
    if (browser) {
      long now = System.nanoTime();
      allowance = Math.min(bytesPerSecond, allowance + (now - refilledAt) * 1e-9 * bytesPerSecond) - took;
      refilledAt = now;
      if (allowance < 0) sleep((long) (-allowance * 1e9 / bytesPerSecond));
      return;
    }
    sleep(start + wireBytes * 1_000_000_000L / bytesPerSecond - System.nanoTime());
  }

  private static void sleep(long wait) throws IOException {
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
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** The body of a chunked response, after its status line and headers (a 200 is required). */
  private static final class Dechunked extends InputStream {
    private final InputStream in;
    private long left;
    private boolean first = true;
    private boolean done;

    Dechunked(InputStream in) throws IOException {
      this.in = in;
      String status = line();
      if (!status.startsWith("HTTP/1.1 200")) throw new IOException("the server answered " + status);
      boolean chunked = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        chunked |= h.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding:") && h.contains("chunked");
      }
      if (!chunked) throw new IOException("expected a chunked event stream");
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) throw new EOFException();
        if (c != '\r') b.append((char) c);
      }
      return b.toString();
    }

    @Override public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
      if (done) return -1;
      if (left == 0) {
        if (!first) line(); // the CRLF after a chunk's data
        first = false;
        String size = line();
        int semi = size.indexOf(';');
        left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
        if (left == 0) {
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) throw new EOFException("the stream ended inside a chunk");
      left -= n;
      return n;
    }
  }
}
