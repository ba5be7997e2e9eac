package dev.echelon.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * One Server-Sent Event, formatted once and shared by every viewer's queue: the header lines and
 * the single-line JSON payload are written as two byte arrays, never copied per viewer. For
 * viewers that accept gzip, the event is deflated once, by the first viewer thread that needs it,
 * into a self-contained block sequence that any viewer's gzip stream can carry. Backlog events
 * replayed from the archive carry no id ({@code id <= 0}).
 */
final class SseEvent {
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  final long id;
  final String name;
  final byte[] head;
  final byte[] data;
  final long createdNanos;
  /** The replay the event belongs to and its training run's name (either may be null), for subscriptions. */
  final String replayId;
  final String run;
  private volatile byte[] deflated;

  SseEvent(long id, String name, byte[] data) {
    this(id, name, data, null, null);
  }

  SseEvent(long id, String name, byte[] data, String replayId, String run) {
    this.id = id;
    this.name = name;
    String idLine = id > 0 ? "id: " + id + "\n" : "";
    this.head = (idLine + "event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8);
    this.data = data;
    this.createdNanos = System.nanoTime();
    this.replayId = replayId;
    this.run = run;
  }

  int size() {
    return head.length + data.length + END.length;
  }

  /** The whole event as SSE text. */
  byte[] text() {
    byte[] out = new byte[size()];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(data, 0, out, head.length, data.length);
    System.arraycopy(END, 0, out, head.length + data.length, END.length);
    return out;
  }

  /** The event deflated once (raw deflate, full flush: independent of what came before). */
  byte[] deflated() {
    byte[] d = deflated;
    if (d == null) {
      synchronized (this) {
        d = deflated;
        if (d == null) deflated = d = deflate(text());
      }
    }
    return d;
  }

  static byte[] deflate(byte[] text) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    try {
      deflater.setInput(text);
      var out = new ByteArrayOutputStream(Math.max(64, text.length / 8));
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = deflater.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH)) > 0) {
        out.write(buf, 0, n);
        if (n < buf.length && deflater.needsInput()) break;
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }
}
