package dev.echelon.server.log;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.Deflater;

/**
 * Raw deflate at the fastest level, ending with a full flush so the result is byte-aligned and
 * independent of what precedes it in a stream. Deflaters are pooled: each holds native buffers
 * worth reusing, and virtual threads make thread-locals useless for that.
 */
final class Deflate {
  private static final ConcurrentLinkedQueue<Deflater> POOL = new ConcurrentLinkedQueue<>();
  private static final int POOL_MAX = 8;

  private Deflate() {}

  static byte[] raw(List<Payload.Slice> parts) {
    long total = 0;
    for (Payload.Slice s : parts) total += s.length();
    Deflater d = POOL.poll();
    if (d == null) d = new Deflater(Deflater.BEST_SPEED, true);
    try {
      var out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, Math.max(64, total / 3)));
      byte[] buf = new byte[64 * 1024];
      for (Payload.Slice s : parts) {
        d.setInput(s.bytes(), s.offset(), s.length());
        while (!d.needsInput()) {
          int n = d.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
          out.write(buf, 0, n);
        }
      }
      int n;
      do {
        n = d.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
        out.write(buf, 0, n);
      } while (n == buf.length);
      return out.toByteArray();
    } finally {
      d.reset();
      if (POOL.size() < POOL_MAX) POOL.offer(d);
      else d.end();
    }
  }
}
