package dev.echelon.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip for protocol bodies ({@code Content-Encoding: gzip}) and archived chunks. Replay JSON still
 * shrinks 10-20x at the fastest level, and on a trainer or a 2-core server CPU is the scarce part.
 */
public final class Gzip {
  private Gzip() {}

  /** {@code data} gzip-compressed at the fastest level. */
  public static byte[] compress(byte[] data) {
    var out = new ByteArrayOutputStream(Math.max(64, data.length / 8));
    try (var gz = new GZIPOutputStream(out, 16 * 1024) {
      { def.setLevel(Deflater.BEST_SPEED); }
    }) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory streams do not fail
    }
    return out.toByteArray();
  }
}
