package dev.echelon.server.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The bytes of a replay's log and index files. A record is a 16-byte prelude (magic, header
 * length, payload length, CRC-32C of header and payload), a header ({@link ChunkRecord}) and the
 * deflated payload. An index entry is 64 bytes with its own CRC-32C; the index file starts with
 * an 80-byte header naming its replay. Numbers are big-endian.
 */
final class RecordFormat {
  static final int MAGIC = 0x45435231; // "ECR1"
  static final int PRELUDE = 16;
  static final int ENTRY = 64;
  static final int INDEX_HEADER = 80;
  static final byte[] INDEX_MAGIC = "ECHIDX01".getBytes(StandardCharsets.US_ASCII);
  /** Larger headers are refused: meta and run are capped well below this at push. */
  static final int MAX_HEADER = 1 << 20;

  private static final int LAST = 1;
  private static final int STARTED = 2;
  private static final int ENDED = 4;
  /** Index entry flag: the record's header carries a tally (8 and 16 say it carries meta and run). */
  private static final int TALLY = 32;

  private RecordFormat() {}

  /** The prelude and header of a record whose payload is {@code payload}; CRC covers both. */
  static ByteBuffer head(ChunkRecord r, byte[] payload) {
    byte[] id = r.replayId().getBytes(StandardCharsets.US_ASCII);
    byte[] world = r.worldRef().getBytes(StandardCharsets.US_ASCII);
    int meta = r.meta() == null ? 0 : r.meta().length;
    int run = r.run() == null ? 0 : r.run().length;
    int tally = r.tally() == null ? 0 : r.tally().length;
    int outcome = r.outcome() == null ? 0 : r.outcome().length;
    if (r.tally() == ChunkRecord.TALLY_ON_DISK) throw new IllegalArgumentException("a record is written with its tally");
    // the tally trails the header: a reader that predates it stops after run and ignores it
    int headerLength = 2 + 8 + 8 + 4 + 4 + 4 + 8 + 4 + 16 + 1 + id.length + 4 + meta + 4 + run
        + (tally > 0 ? 4 + tally + 4 + outcome : 0);
    ByteBuffer b = ByteBuffer.allocate(PRELUDE + headerLength);
    b.putInt(MAGIC).putInt(headerLength).putInt(payload.length).putInt(0);
    b.put((byte) 1).put((byte) flags(r)).putLong(r.firstEventId()).putLong(r.appendedAtMillis())
        .putInt(r.chunkIndex()).putInt(r.chunkCount()).putInt(r.frameCount()).putLong(r.plainLength())
        .putInt(r.plainCrc()).put(world).put((byte) id.length).put(id);
    b.putInt(meta);
    if (meta > 0) b.put(r.meta());
    b.putInt(run);
    if (run > 0) b.put(r.run());
    if (tally > 0) {
      b.putInt(tally).put(r.tally());
      b.putInt(outcome);
      if (outcome > 0) b.put(r.outcome());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), PRELUDE, headerLength);
    crc.update(payload);
    b.putInt(12, (int) crc.getValue());
    return b.flip();
  }

  /** Reads a header whole; throws {@link IllegalArgumentException} when it is not one. */
  static ChunkRecord header(ByteBuffer b) {
    return header(b, true);
  }

  /**
   * Reads a header; without {@code tally}, a tally is left on disk and the outcome not read either
   * (start-up wants the outcome of a replay's last record only, and no tally).
   */
  static ChunkRecord header(ByteBuffer b, boolean tally) {
    return header(b, tally, tally);
  }

  static ChunkRecord header(ByteBuffer b, boolean keepTally, boolean keepOutcome) {
    if (b.get() != 1) throw new IllegalArgumentException("unknown record version");
    int flags = b.get();
    long first = b.getLong();
    long at = b.getLong();
    int index = b.getInt();
    int count = b.getInt();
    int frames = b.getInt();
    long plain = b.getLong();
    int crc = b.getInt();
    String world = ascii(b, 16);
    String id = ascii(b, b.get() & 0xff);
    byte[] meta = bytes(b, b.getInt());
    byte[] run = bytes(b, b.getInt());
    byte[] tally = b.remaining() >= 4 ? (keepTally ? bytes(b, b.getInt()) : skip(b, b.getInt())) : null;
    byte[] outcome = b.remaining() >= 4 ? (keepOutcome ? bytes(b, b.getInt()) : skip(b, b.getInt())) : null;
    if (first < 1 || index < 0 || count < -1 || frames < 0 || plain < 0) {
      throw new IllegalArgumentException("record header fields out of range");
    }
    return new ChunkRecord(id, world, first, index, count, (flags & LAST) != 0, (flags & STARTED) != 0,
        (flags & ENDED) != 0, frames, plain, crc, at, meta, run, tally, outcome);
  }

  /** An index entry for a record. */
  static ByteBuffer entry(RecordRef ref) {
    ChunkRecord r = ref.record();
    ByteBuffer b = ByteBuffer.allocate(ENTRY);
    b.putLong(r.firstEventId()).putLong(ref.offset()).putInt(ref.length()).putInt(ref.headerLength())
        .putInt(r.chunkIndex()).putInt(r.chunkCount()).putInt(r.frameCount()).putInt(flags(r)
            | (r.meta() != null ? 8 : 0) | (r.run() != null ? 16 : 0) | (r.tally() != null ? TALLY : 0))
        .putLong(r.plainLength()).putInt(r.plainCrc()).putLong(r.appendedAtMillis());
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, ENTRY - 4);
    b.putInt((int) crc.getValue());
    return b.flip();
  }

  /** What an index entry says, or null when its checksum fails. */
  record Entry(long firstEventId, long offset, int length, int headerLength, int chunkIndex, int chunkCount,
      int frameCount, int flags, long plainLength, int plainCrc, long appendedAt) {
    /** True when the header holds meta or run, which the entry cannot. */
    boolean carriesMetaOrRun() {
      return (flags & (8 | 16)) != 0;
    }

    /** The record this entry names; a tally, if it has one, left on disk. */
    ChunkRecord record(String replayId, String worldRef) {
      return record(replayId, worldRef, null, null, (flags & TALLY) != 0 ? ChunkRecord.TALLY_ON_DISK : null, null);
    }

    /** The record this entry names, with what its header holds and the entry does not. */
    ChunkRecord record(String replayId, String worldRef, byte[] meta, byte[] run, byte[] tally, byte[] outcome) {
      return new ChunkRecord(replayId, worldRef, firstEventId, chunkIndex, chunkCount, (flags & LAST) != 0,
          (flags & STARTED) != 0, (flags & ENDED) != 0, frameCount, plainLength, plainCrc, appendedAt, meta, run, tally,
          outcome);
    }
  }

  static Entry readEntry(ByteBuffer b) {
    CRC32C crc = new CRC32C();
    crc.update(b.array(), b.position(), ENTRY - 4);
    Entry e = new Entry(b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(),
        b.getLong(), b.getInt(), b.getLong());
    return b.getInt() == (int) crc.getValue() ? e : null;
  }

  static ByteBuffer indexHeader(String replayId) {
    byte[] id = replayId.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(INDEX_HEADER);
    b.put(INDEX_MAGIC).put((byte) id.length).put(id);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, INDEX_HEADER - 4);
    b.putInt(INDEX_HEADER - 4, (int) crc.getValue());
    b.position(INDEX_HEADER);
    return b.flip();
  }

  /** The replay an index header names, or null when it is not a valid header. */
  static String indexOwner(ByteBuffer b) {
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, INDEX_HEADER - 4);
    if (b.getInt(INDEX_HEADER - 4) != (int) crc.getValue()) return null;
    for (int i = 0; i < INDEX_MAGIC.length; i++) if (b.get(i) != INDEX_MAGIC[i]) return null;
    int n = b.get(8) & 0xff;
    if (n < 1 || n > 64) return null;
    return new String(b.array(), 9, n, StandardCharsets.US_ASCII);
  }

  private static int flags(ChunkRecord r) {
    return (r.last() ? LAST : 0) | (r.started() ? STARTED : 0) | (r.ended() ? ENDED : 0);
  }

  private static String ascii(ByteBuffer b, int n) {
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.US_ASCII);
  }

  /** Passes over {@code n} bytes: the marker of something left on disk, or null for none. */
  private static byte[] skip(ByteBuffer b, int n) {
    if (n == 0) return null;
    if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("record header length out of range");
    b.position(b.position() + n);
    return ChunkRecord.TALLY_ON_DISK;
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    if (n == 0) return null;
    if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("record header length out of range");
    byte[] s = new byte[n];
    b.get(s);
    return s;
  }
}
