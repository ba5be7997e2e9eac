package dev.echelon.server.log;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.CRC32;

/**
 * An event payload in the two forms viewers take: plain JSON, and raw deflate blocks that end on
 * a byte boundary (a full flush). Such blocks can be spliced into any gzip stream, so a chunk is
 * deflated once, on push, and those bytes serve the archive and every compressed viewer, live or
 * catching up. The CRC-32 of the plain form travels along so streams can combine it.
 */
public abstract class Payload {
  private static final int STORED_MAX = 65_535;

  /** Bytes of the plain form. */
  public abstract long plainLength();

  /** CRC-32 of the plain form. */
  public abstract int crc32();

  /** Writes the plain JSON. */
  public abstract void writePlain(OutputStream out) throws IOException;

  /** Writes the raw deflate form (byte-aligned, never final). */
  public abstract void writeDeflated(OutputStream out) throws IOException;

  /** The start of a gzip member whose body is raw deflate blocks (RFC 1952: no name, no time, OS unknown). */
  public static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  /** The end of such a member: an empty final block, then the CRC-32 and length of what it holds. */
  public static byte[] gzipTrailer(int crc32, long plainLength) {
    return new byte[] {3, 0, (byte) crc32, (byte) (crc32 >> 8), (byte) (crc32 >> 16), (byte) (crc32 >> 24),
        (byte) plainLength, (byte) (plainLength >> 8), (byte) (plainLength >> 16), (byte) (plainLength >> 24)};
  }

  /** Writes this payload as one gzip member: its shared deflate blocks, framed; nothing is compressed again. */
  public void writeGzip(OutputStream out) throws IOException {
    out.write(GZIP_HEADER);
    writeDeflated(out);
    out.write(gzipTrailer(crc32(), plainLength()));
  }

  /**
   * True when the plain form is in memory as the push made it: a plain viewer writes those bytes
   * as they are, with no copy made for it. Otherwise the plain form must be made (inflated) first.
   */
  public boolean plainHeld() {
    return this instanceof InMemory;
  }

  /** Heap this payload keeps reachable, for caches that weigh in bytes; 0 when read from disk. */
  public long retainedBytes() {
    return 0;
  }

  /** A piece of an array, so request bodies can be framed without copying. */
  public record Slice(byte[] bytes, int offset, int length) {
    public Slice {
      if (offset < 0 || length < 0 || offset + length > bytes.length) {
        throw new IllegalArgumentException("slice " + offset + "+" + length + " is outside " + bytes.length + " bytes");
      }
    }

    public static Slice of(byte[] bytes) {
      return new Slice(bytes, 0, bytes.length);
    }
  }

  /** A small payload (event heads, envelopes): its deflate form is stored blocks, no compression work. */
  public static Payload small(byte[] plain) {
    return new InMemory(List.of(Slice.of(plain)), stored(plain), crc(List.of(Slice.of(plain))));
  }

  /** Deflates {@code parts} once, keeping them as the plain form. */
  public static Payload deflate(List<Slice> parts) {
    return new InMemory(List.copyOf(parts), Deflate.raw(parts), crc(parts));
  }

  /**
   * A payload read back in its deflate form, such as a chunk from a distributed log. Its plain form
   * (needed only by plain-JSON viewers and the chunk API) is inflated on first use and kept, so a
   * cached payload is inflated once however many viewers read it.
   *
   * @param deflated raw deflate blocks, byte-aligned (what {@link #deflatedBytes()} gives)
   * @param plainLength bytes it inflates to
   * @param crc32 CRC-32 of the plain form
   */
  public static Payload ofDeflated(byte[] deflated, long plainLength, int crc32) {
    return new Deflated(deflated, plainLength, crc32);
  }

  /** The raw deflate form as one array (for payloads made by {@link #deflate}: no copy). */
  public byte[] deflatedBytes() {
    if (this instanceof InMemory m) return m.deflated;
    if (this instanceof Deflated d) return d.deflated;
    var out = new java.io.ByteArrayOutputStream();
    try {
      writeDeflated(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The payloads one after another. */
  public static Payload concat(Payload... parts) {
    return new Concat(parts);
  }

  /** {@code plain} in stored deflate blocks: valid raw deflate, byte-aligned at both ends. */
  public static byte[] stored(byte[] plain) {
    int blocks = Math.max(1, (plain.length + STORED_MAX - 1) / STORED_MAX);
    byte[] out = new byte[plain.length + 5 * blocks];
    int o = 0;
    int p = 0;
    do {
      int n = Math.min(STORED_MAX, plain.length - p);
      out[o++] = 0; // BFINAL 0, BTYPE 00, padding to the byte boundary
      out[o++] = (byte) n;
      out[o++] = (byte) (n >>> 8);
      out[o++] = (byte) ~n;
      out[o++] = (byte) (~n >>> 8);
      System.arraycopy(plain, p, out, o, n);
      o += n;
      p += n;
    } while (p < plain.length);
    return out;
  }

  static int crc(List<Slice> parts) {
    CRC32 crc = new CRC32();
    for (Slice s : parts) crc.update(s.bytes(), s.offset(), s.length());
    return (int) crc.getValue();
  }

  /** Both forms in memory: what a push produces and the tail cache keeps. */
  static final class InMemory extends Payload {
    private final List<Slice> plain;
    private final byte[] deflated;
    private final int crc;
    private final long length;

    InMemory(List<Slice> plain, byte[] deflated, int crc) {
      this.plain = plain;
      this.deflated = deflated;
      this.crc = crc;
      long n = 0;
      for (Slice s : plain) n += s.length();
      this.length = n;
    }

    @Override public long plainLength() {
      return length;
    }

    @Override public int crc32() {
      return crc;
    }

    @Override public void writePlain(OutputStream out) throws IOException {
      for (Slice s : plain) out.write(s.bytes(), s.offset(), s.length());
    }

    @Override public void writeDeflated(OutputStream out) throws IOException {
      out.write(deflated);
    }

    byte[] deflated() {
      return deflated;
    }

    @Override public long retainedBytes() {
      long n = deflated.length;
      java.util.IdentityHashMap<byte[], Boolean> seen = new java.util.IdentityHashMap<>();
      for (Slice s : plain) if (seen.put(s.bytes(), Boolean.TRUE) == null) n += s.bytes().length;
      return n;
    }
  }

  private static final class Deflated extends Payload {
    private final byte[] deflated;
    private final long length;
    private final int crc;
    private volatile byte[] plain;

    Deflated(byte[] deflated, long length, int crc) {
      this.deflated = deflated;
      this.length = length;
      this.crc = crc;
    }

    @Override public long plainLength() {
      return length;
    }

    @Override public int crc32() {
      return crc;
    }

    @Override public void writePlain(OutputStream out) throws IOException {
      byte[] p = plain;
      if (p == null) plain = p = inflate();
      out.write(p);
    }

    private byte[] inflate() throws IOException {
      // deflate expands at most ~1032:1: a length beyond that (a forged header) is refused, not allocated
      if (length > Integer.MAX_VALUE - 64 || length > deflated.length * 1032L + 1024) {
        throw new IOException("payload claims " + length + " plain bytes from " + deflated.length + " deflated ones");
      }
      java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
      try {
        inflater.setInput(deflated);
        byte[] buf = new byte[(int) length];
        int written = 0;
        while (written < length) {
          int k = inflater.inflate(buf, written, buf.length - written);
          if (k == 0 && (inflater.needsInput() || inflater.finished())) break;
          written += k;
        }
        if (written != length) throw new IOException("payload inflated to " + written + " bytes, expected " + length);
        return buf;
      } catch (java.util.zip.DataFormatException e) {
        throw new IOException("payload is not valid deflate: " + e.getMessage(), e);
      } finally {
        inflater.end();
      }
    }

    @Override public void writeDeflated(OutputStream out) throws IOException {
      out.write(deflated);
    }

    @Override public long retainedBytes() {
      byte[] p = plain;
      return deflated.length + (p == null ? 0 : p.length);
    }
  }

  private static final class Concat extends Payload {
    private final Payload[] parts;
    private final long length;
    private final int crc;

    Concat(Payload[] parts) {
      this.parts = parts.clone();
      long n = 0;
      int c = 0;
      for (Payload p : parts) {
        c = Crc32Combine.combine(c, p.crc32(), p.plainLength());
        n += p.plainLength();
      }
      this.length = n;
      this.crc = c;
    }

    @Override public long plainLength() {
      return length;
    }

    @Override public int crc32() {
      return crc;
    }

    @Override public void writePlain(OutputStream out) throws IOException {
      for (Payload p : parts) p.writePlain(out);
    }

    @Override public void writeDeflated(OutputStream out) throws IOException {
      for (Payload p : parts) p.writeDeflated(out);
    }

    @Override public long retainedBytes() {
      long n = 0;
      for (Payload p : parts) n += p.retainedBytes();
      return n;
    }
  }
}
