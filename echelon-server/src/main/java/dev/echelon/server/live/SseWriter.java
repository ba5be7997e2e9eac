package dev.echelon.server.live;

import dev.echelon.server.log.Crc32Combine;
import dev.echelon.server.log.Payload;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes SSE events to one viewer, plain or as one long gzip stream. Events come framed
 * ({@link WireFrame}), made once for all viewers of an encoding. The gzip stream is a header, then
 * each event's shared deflate blocks, then a trailer whose CRC is combined from the events' own
 * CRCs: a compressed viewer costs the server a byte copy per event, like a plain one.
 */
final class SseWriter {
  private final OutputStream out;
  private final boolean gzip;
  private int crc;
  private long size;

  SseWriter(OutputStream out, boolean gzip) throws IOException {
    this.out = out;
    this.gzip = gzip;
    if (gzip) out.write(Payload.GZIP_HEADER);
  }

  /**
   * An event written from its payload's own parts (shared already: a push's bytes, a world's
   * deflate blocks), with no copy made for this viewer.
   */
  void event(long id, String name, Payload data) throws IOException {
    write(Payload.small(EventFormat.head(id, name)));
    write(data);
    write(EventFormat.END_OF_EVENT);
    out.flush();
  }

  /** One event, framed for this stream's encoding: written as it is, with one flush. */
  void event(WireFrame frame) throws IOException {
    out.write(frame.bytes());
    if (gzip) {
      crc = Crc32Combine.combine(crc, frame.crc32(), frame.plainLength());
      size += frame.plainLength();
    }
    out.flush();
  }

  /** A comment or field lines that are not an event. */
  void text(byte[] text) throws IOException {
    write(Payload.small(text));
    out.flush();
  }

  /** Ends a gzip stream properly; plain streams just flush. */
  void finish() throws IOException {
    if (gzip) out.write(Payload.gzipTrailer(crc, size));
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
