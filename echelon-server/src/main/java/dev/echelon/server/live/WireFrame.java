package dev.echelon.server.live;

import dev.echelon.server.log.Crc32Combine;
import dev.echelon.server.log.Payload;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One SSE event as it goes on the wire, made once and written as it is to every viewer that takes
 * that encoding: for plain streams the {@code id:}/{@code event:}/{@code data:} framing around the
 * JSON; for gzip streams the same framing as byte-aligned deflate blocks (the payload's shared
 * blocks, the framing stored), which splice into any viewer's gzip member. A gzip viewer folds
 * {@link #crc32} and {@link #plainLength} into its stream's trailer.
 *
 * @param bytes what to write
 * @param crc32 CRC-32 of the plain event (for gzip streams' trailers)
 * @param plainLength bytes of the plain event
 */
record WireFrame(byte[] bytes, int crc32, long plainLength) {
  /** The event framed for one encoding: one copy of the payload's bytes in that encoding. */
  static WireFrame of(long id, String name, Payload data, boolean gzip) {
    byte[] head = EventFormat.head(id, name);
    Payload end = EventFormat.END_OF_EVENT;
    long plain = head.length + data.plainLength() + end.plainLength();
    int crc = Crc32Combine.combine(Crc32Combine.combine(Payload.small(head).crc32(), data.crc32(), data.plainLength()),
        end.crc32(), end.plainLength());
    byte[] first = gzip ? Payload.stored(head) : head;
    byte[] last = gzip ? end.deflatedBytes() : EventFormat.END_BYTES;
    byte[] deflated = gzip ? data.deflatedBytes() : null; // no copy for a payload made in memory
    long size = first.length + (gzip ? deflated.length : data.plainLength()) + last.length;
    if (size > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("event " + id + " of " + size + " bytes is too big to frame");
    byte[] bytes = new byte[(int) size];
    System.arraycopy(first, 0, bytes, 0, first.length);
    int at = first.length;
    if (gzip) {
      System.arraycopy(deflated, 0, bytes, at, deflated.length);
      at += deflated.length;
    } else {
      try {
        var into = new Into(bytes, at);
        data.writePlain(into);
        at = into.at;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot frame event " + id + ": " + e.getMessage(), e);
      }
    }
    System.arraycopy(last, 0, bytes, at, last.length);
    if (at + last.length != bytes.length) {
      throw new IllegalStateException("event " + id + " framed to " + (at + last.length) + " bytes of " + bytes.length);
    }
    return new WireFrame(bytes, crc, plain);
  }

  /** Bytes of heap it holds, for caches that weigh in bytes. */
  int weight() {
    return bytes.length + 64;
  }

  /** Writes into a slice of an array that has room for it. */
  private static final class Into extends java.io.OutputStream {
    private final byte[] into;
    private int at;

    Into(byte[] into, int at) {
      this.into = into;
      this.at = at;
    }

    @Override public void write(byte[] b, int off, int len) throws IOException {
      if (len > into.length - at) throw new IOException("the payload is longer than it says");
      System.arraycopy(b, off, into, at, len);
      at += len;
    }

    @Override public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }
  }
}
