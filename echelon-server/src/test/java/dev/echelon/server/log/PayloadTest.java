package dev.echelon.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class PayloadTest {
  static byte[] text(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    StringBuilder b = new StringBuilder();
    while (b.length() < n) b.append("{\"pos\":[").append(rnd.nextDouble()).append(",").append(rnd.nextInt(100)).append("]},");
    return b.substring(0, n).getBytes(StandardCharsets.US_ASCII);
  }

  /** What a gzip viewer receives: a header, payloads' deflate blocks, a final block and a trailer. */
  static byte[] gzipStream(List<Payload> parts) throws IOException {
    var out = new ByteArrayOutputStream();
    out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
    int crc = 0;
    long size = 0;
    for (Payload p : parts) {
      p.writeDeflated(out);
      crc = Crc32Combine.combine(crc, p.crc32(), p.plainLength());
      size += p.plainLength();
    }
    out.write(new byte[] {3, 0});
    out.write(new byte[] {(byte) crc, (byte) (crc >> 8), (byte) (crc >> 16), (byte) (crc >> 24),
        (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
    return out.toByteArray();
  }

  static byte[] plain(Payload p) throws IOException {
    var out = new ByteArrayOutputStream();
    p.writePlain(out);
    return out.toByteArray();
  }

  @Test
  void payloadsDeflatedApartMakeOneValidGzipStreamWithTheRightCrc() throws IOException {
    byte[] a = text(300_000, 1);
    byte[] b = text(70_000, 2);
    Payload chunk = Payload.deflate(List.of(new Payload.Slice(a, 10, 200_000), Payload.Slice.of(b)));
    Payload head = Payload.small("id: 7\nevent: replay_chunk\ndata: ".getBytes(StandardCharsets.US_ASCII));
    Payload big = Payload.small(text(140_000, 3)); // several stored blocks
    byte[] gz = gzipStream(List.of(head, chunk, big, Payload.concat(head, Payload.small(new byte[0]), head)));
    byte[] decoded = new GZIPInputStream(new java.io.ByteArrayInputStream(gz)).readAllBytes(); // checks CRC and size
    var expected = new ByteArrayOutputStream();
    expected.write(plain(head));
    expected.write(a, 10, 200_000);
    expected.write(b);
    expected.write(plain(big));
    expected.write(plain(head));
    expected.write(plain(head));
    assertThat(decoded).isEqualTo(expected.toByteArray());
  }

  @Test
  void aPayloadKnowsItsLengthAndCrc() throws IOException {
    byte[] a = text(50_000, 4);
    Payload p = Payload.concat(Payload.deflate(List.of(Payload.Slice.of(a))), Payload.small(a));
    CRC32 crc = new CRC32();
    crc.update(a);
    crc.update(a);
    assertThat(p.plainLength()).isEqualTo(100_000);
    assertThat(p.crc32()).isEqualTo((int) crc.getValue());
    assertThat(plain(p)).hasSize(100_000);
  }

  @Test
  void aChunkPayloadCompressesAndHoldsItsBodyOnce() {
    byte[] body = text(1_000_000, 5);
    Payload p = Payload.deflate(List.of(new Payload.Slice(body, 0, 500_000), new Payload.Slice(body, 500_000, 500_000)));
    long deflated = p.retainedBytes() - body.length;
    assertThat(deflated).isPositive().isLessThan(body.length / 2);
  }

  @Test
  void aPayloadKeptOnlyDeflatedInflatesToTheSameBytesAndRefusesATruncatedForm() throws IOException {
    byte[] json = text(300_000, 7);
    Payload made = Payload.deflate(List.of(Payload.Slice.of(json)));
    Payload stored = Payload.ofDeflated(made.deflatedBytes(), made.plainLength(), made.crc32());
    assertThat(plain(stored)).isEqualTo(json);
    assertThat(stored.crc32()).isEqualTo(made.crc32());
    assertThat(new GZIPInputStream(new java.io.ByteArrayInputStream(gzipStream(List.of(stored)))).readAllBytes())
        .isEqualTo(json);
    byte[] cut = java.util.Arrays.copyOf(made.deflatedBytes(), made.deflatedBytes().length / 2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> plain(Payload.ofDeflated(cut, json.length, 0)))
        .isInstanceOf(IOException.class).hasMessageContaining("expected " + json.length);
  }
}
