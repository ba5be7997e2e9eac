package dev.echelon.server.log;

/**
 * CRC-32 of a concatenation from the CRCs of its parts (zlib's {@code crc32_combine}). Gzip
 * streams to viewers need the CRC of everything sent; payloads carry their own CRC, so a stream
 * combines them instead of re-reading megabytes per viewer.
 */
public final class Crc32Combine {
  private static final int POLY = 0xedb88320; // reflected CRC-32 polynomial

  private Crc32Combine() {}

  /** The CRC-32 of {@code A || B}, given {@code crcA}, {@code crcB} and the length of B. */
  public static int combine(int crcA, int crcB, long lengthB) {
    if (lengthB <= 0) return crcA;
    int[] even = new int[32];
    int[] odd = new int[32];
    odd[0] = POLY; // the operator for one zero bit
    int row = 1;
    for (int n = 1; n < 32; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd); // two zero bits
    square(odd, even); // four zero bits
    int crc = crcA;
    long len = lengthB;
    do {
      square(even, odd); // first pass: one zero byte
      if ((len & 1) != 0) crc = times(even, crc);
      len >>>= 1;
      if (len == 0) break;
      square(odd, even);
      if ((len & 1) != 0) crc = times(odd, crc);
      len >>>= 1;
    } while (len != 0);
    return crc ^ crcB;
  }

  private static int times(int[] mat, int vec) {
    int sum = 0;
    for (int i = 0; vec != 0; i++, vec >>>= 1) {
      if ((vec & 1) != 0) sum ^= mat[i];
    }
    return sum;
  }

  private static void square(int[] square, int[] mat) {
    for (int n = 0; n < 32; n++) square[n] = times(mat, mat[n]);
  }
}
