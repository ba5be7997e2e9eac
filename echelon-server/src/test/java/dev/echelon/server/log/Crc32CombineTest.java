package dev.echelon.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class Crc32CombineTest {
  private static int crc(byte[] b, int off, int len) {
    CRC32 c = new CRC32();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  @Test
  void combiningThePartsGivesTheCrcOfTheWhole() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int round = 0; round < 200; round++) {
      byte[] data = new byte[rnd.nextInt(0, 70_000)];
      rnd.nextBytes(data);
      int cut = data.length == 0 ? 0 : rnd.nextInt(0, data.length + 1);
      int combined = Crc32Combine.combine(crc(data, 0, cut), crc(data, cut, data.length - cut), data.length - cut);
      assertThat(combined).as("length %d cut at %d", data.length, cut).isEqualTo(crc(data, 0, data.length));
    }
  }

  @Test
  void anEmptySecondPartChangesNothing() {
    assertThat(Crc32Combine.combine(0x12345678, 0, 0)).isEqualTo(0x12345678);
  }
}
