package dev.echelon.server.live;

import dev.echelon.server.log.Crc32Combine;
import dev.echelon.server.log.Payload;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes SSE events to one viewer, plain or as one long gzip stream. The gzip stream is a header,
 * then each payload's shared deflate blocks (made once per chunk, never per viewer), then a
 * trailer whose CRC is combined from the payloads' own CRCs: a compressed viewer costs the server a
 * byte copy per event, like a plain one.
 */
final class SseWriter {
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final byte[] LAST_BLOCK = {3, 0}; // an empty final fixed-Huffman block

  private final OutputStream out;
  private final boolean gzip;
  private int crc;
  private long size;

  SseWriter(OutputStream out, boolean gzip) throws IOException {
    this.out = out;
    this.gzip = gzip;
    if (gzip) out.write(GZIP_HEADER);
  }

  void event(long id, String name, Payload data) throws IOException {
    write(Payload.small(EventFormat.head(id, name)));
    write(data);
    write(EventFormat.END_OF_EVENT);
    out.flush();
  }

  /** A comment or field lines that are not an event. */
  void text(byte[] text) throws IOException {
    write(Payload.small(text));
    out.flush();
  }

  /** Ends a gzip stream properly; plain streams just flush. */
  void finish() throws IOException {
    if (gzip) {
      out.write(LAST_BLOCK);
      out.write(new byte[] {(byte) crc, (byte) (crc >> 8), (byte) (crc >> 16), (byte) (crc >> 24),
          (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
    }
    out.flush();
  }

  private void write(Payload p) throws IOException {
    if (gzip) {
      p.writeDeflated(out);
      crc = Crc32Combine.combine(crc, p.crc32(), p.plainLength());
      size += p.plainLength();
    } else {
      p.writePlain(out);
    }
  }
}
