package dev.echelon.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Writes SSE text to one viewer, plain or as a gzip stream. The gzip stream is a header, then the
 * events' shared pre-deflated blocks, then a trailer on close; only the CRC is computed per viewer.
 */
class EventWriter {
  final OutputStream out;

  EventWriter(OutputStream out) {
    this.out = out;
  }

  static EventWriter of(OutputStream out, boolean gzip) throws IOException {
    return gzip ? new Gzip(out) : new EventWriter(out);
  }

  void event(SseEvent e) throws IOException {
    out.write(e.head);
    out.write(e.data);
    out.write('\n');
    out.write('\n');
    out.flush();
  }

  void text(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void finish() throws IOException {
    out.flush();
  }

  /** The gzip form. */
  static final class Gzip extends EventWriter {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final byte[] LAST_BLOCK = {3, 0}; // an empty final fixed-Huffman block
    private final CRC32 crc = new CRC32();
    private long size;

    Gzip(OutputStream out) throws IOException {
      super(out);
      out.write(HEADER);
    }

    @Override void event(SseEvent e) throws IOException {
      out.write(e.deflated());
      crc.update(e.head);
      crc.update(e.data);
      crc.update('\n');
      crc.update('\n');
      size += e.size();
      out.flush();
    }

    @Override void text(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.write(SseEvent.deflate(b));
      crc.update(b);
      size += b.length;
      out.flush();
    }

    @Override void finish() throws IOException {
      out.write(LAST_BLOCK);
      long c = crc.getValue();
      out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
          (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
      out.flush();
    }
  }
}
