package dev.echelon.server.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Rebuilds what one replay's files hold after a restart or a crash. The index is trusted only as
 * far as it agrees with the log (checksummed entries, contiguous records, the right replay id);
 * beyond that, records are read and verified one by one. A torn last record is cut off, damage in
 * the middle is skipped up to the next intact record, and every problem is reported. Nothing is
 * ever allocated from a length read off disk without checking it against the file's size.
 */
final class ReplayRecovery {
  private static final int WINDOW = 1 << 20;

  private ReplayRecovery() {}

  /** What was recovered; {@code refs} in file order. */
  record Recovered(ReplayLogFile file, List<RecordRef> refs) {}

  /** Recovers {@code dir}; null when it holds no replay log or must be refused (reported). */
  /** @param afterCrash whether the last process stopped without a clean shutdown (what it kept is then forced) */
  static Recovered recover(Path dir, String replayId, boolean fsync, boolean afterCrash, Consumer<String> report,
      Storage storage) throws IOException {
    Path log = dir.resolve(ReplayLogFile.LOG);
    if (storage.kind(log) != Storage.Kind.FILE) return null;
    storage.deleteIfExists(dir.resolve(ReplayLogFile.INDEX + ".tmp")); // an index rewrite a crash interrupted
    try (FileChannel ch = storage.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      List<RecordRef> refs = new ArrayList<>();
      boolean rewrite = !readIndex(storage, dir, replayId, ch, size, refs, report);
      long pos = refs.isEmpty() ? 0 : refs.get(refs.size() - 1).end();
      while (pos < size) {
        long length = completeLength(ch, pos, size);
        RecordRef ref = length < 0 ? null : readRecord(ch, pos, size);
        if (ref == null) {
          long next = findNext(ch, pos + 1, size);
          if (next >= 0) {
            report.accept("replay " + replayId + ": bytes " + pos + ".." + next + " of its log are damaged; skipped");
            pos = next;
            continue;
          }
          if (length >= 0) {
            // a whole record that fails its checksum is kept and skipped, as when the index names it:
            // what recovery decides must not depend on whether the unforced index reached the disk
            report.accept("replay " + replayId + ": the record at byte " + pos + " of its log is damaged; skipped");
            pos += length;
            rewrite = true;
            continue;
          }
          report.accept("replay " + replayId + ": the last " + (size - pos) + " bytes of its log are a torn record"
              + " (a write the crash interrupted); dropped");
          ch.truncate(pos);
          if (fsync) ch.force(false);
          break;
        }
        if (!ref.record().replayId().equals(replayId)) {
          report.accept("replay directory " + replayId + " holds a record of replay " + ref.record().replayId()
              + "; the directory is refused");
          return null;
        }
        refs.add(ref);
        rewrite = true;
        pos = ref.end();
      }
      // a crash leaves unforced bytes readable (a write whose force failed, or whose cut-back did): what
      // recovery keeps is served from now on, so it is made durable first, as PostgreSQL does after a crash
      // (after a clean shutdown there is nothing to force, and 20,000 forces would cost seconds)
      if (fsync && afterCrash) ch.force(false);
      ReplayLogFile file = new ReplayLogFile(replayId, dir, pos, fsync, report, storage);
      if (rewrite) {
        try {
          file.rewriteIndex(refs);
        } catch (IOException e) {
          report.accept("replay " + replayId + ": cannot rewrite its index (" + e.getMessage() + "); still usable");
        }
      }
      return new Recovered(file, refs);
    }
  }

  /** Reads the index into {@code refs}; false when it was missing, damaged or stopped short of the log. */
  private static boolean readIndex(Storage storage, Path dir, String replayId, FileChannel log, long logSize,
      List<RecordRef> refs, Consumer<String> report) throws IOException {
    byte[] bytes;
    Path index = dir.resolve(ReplayLogFile.INDEX);
    // one open, never following a link (a link is refused by the open itself): no stat before it
    try (FileChannel ch = storage.open(index, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      long n = ch.size();
      // an honest index has one entry per record of at least PRELUDE bytes: anything longer is garbage
      if (n > RecordFormat.INDEX_HEADER + RecordFormat.ENTRY * (logSize / RecordFormat.PRELUDE + 1)) {
        report.accept("replay " + replayId + ": its index is larger than its log allows; rebuilt from the log");
        return false;
      }
      ByteBuffer all = ByteBuffer.allocate((int) n);
      while (all.hasRemaining() && ch.read(all) > 0) {
        // read it whole
      }
      bytes = java.util.Arrays.copyOf(all.array(), all.position());
    } catch (NoSuchFileException e) {
      report.accept("replay " + replayId + ": its index is missing; rebuilt from the log");
      return false;
    } catch (java.nio.file.FileSystemException e) {
      if (storage.kind(index) != Storage.Kind.LINK) throw e;
      report.accept("replay " + replayId + ": its index is a symbolic link; not followed, rebuilt from the log");
      return false;
    }
    if (bytes.length < RecordFormat.INDEX_HEADER) {
      report.accept("replay " + replayId + ": its index is " + (bytes.length == 0 ? "empty" : "torn") + "; rebuilt from the log");
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    String owner = RecordFormat.indexOwner(b);
    if (owner == null) {
      report.accept("replay " + replayId + ": its index header is damaged; rebuilt from the log");
      return false;
    }
    if (!owner.equals(replayId)) {
      report.accept("replay " + replayId + ": its index names replay \"" + owner + "\"; refused and rebuilt from the log");
      return false;
    }
    b.position(RecordFormat.INDEX_HEADER);
    String worldRef = null;
    long expected = 0;
    boolean complete = true;
    while (b.remaining() >= RecordFormat.ENTRY) {
      RecordFormat.Entry e = RecordFormat.readEntry(b);
      if (e == null || e.offset() != expected || e.length() < RecordFormat.PRELUDE || e.offset() + e.length() > logSize) {
        report.accept("replay " + replayId + ": its index is damaged after " + refs.size() + " entries; the rest is read from the log");
        complete = false;
        break;
      }
      ChunkRecord r;
      boolean last = b.remaining() < RecordFormat.ENTRY; // its header holds the replay's outcome
      if (worldRef == null || e.carriesMetaOrRun() || last) {
        RecordRef full = readRecordHeader(log, e.offset(), logSize, last);
        // this header is read without its checksum: what it says must at least be well formed
        if (full == null || full.length() != e.length() || full.record().firstEventId() != e.firstEventId()
            || !(worldRef == null ? dev.echelon.core.WorldHash.isValid(full.record().worldRef())
                : worldRef.equals(full.record().worldRef()))
            || !jsonObject(full.record().meta()) || !jsonObject(full.record().run())) {
          report.accept("replay " + replayId + ": its index disagrees with its log at entry " + refs.size()
              + "; the rest is read from the log");
          complete = false;
          break;
        }
        if (!full.record().replayId().equals(replayId)) {
          report.accept("replay " + replayId + ": its log holds records of replay " + full.record().replayId()
              + "; the rest is read from the log");
          complete = false;
          break;
        }
        if (worldRef == null) worldRef = full.record().worldRef();
        // only what the entry cannot hold comes from the unverified header; the rest is the entry's, checksummed
        r = e.record(replayId, worldRef, full.record().meta(), full.record().run(), full.record().tally(),
            full.record().outcome());
      } else {
        r = e.record(replayId, worldRef);
      }
      refs.add(new RecordRef(e.offset(), e.length(), e.headerLength(), r));
      expected = e.offset() + e.length();
    }
    if (complete && b.hasRemaining()) {
      report.accept("replay " + replayId + ": its index ends in a torn entry; the rest is read from the log");
      complete = false;
    }
    if (!refs.isEmpty()) {
      // the tail is where a crash tears records: the last one the index names must be whole on disk too
      RecordRef tail = refs.get(refs.size() - 1);
      if (completeLength(log, tail.offset(), logSize) != tail.length()) {
        refs.remove(refs.size() - 1);
        report.accept("replay " + replayId + ": its index names a record its log does not hold whole; the rest is read"
            + " from the log");
        return false;
      }
    }
    return complete && expected == logSize;
  }

  /** True for null or the bytes of one JSON object (what a push stored as meta or run). */
  private static boolean jsonObject(byte[] json) {
    if (json == null) return true;
    try (var p = dev.echelon.core.Json.mapper().createParser(json)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return false;
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The length of the record at {@code pos} when its prelude is sound and it fits in the file, else -1. */
  private static long completeLength(FileChannel ch, long pos, long size) throws IOException {
    if (pos + RecordFormat.PRELUDE > size) return -1;
    ByteBuffer prelude = ByteBuffer.allocate(RecordFormat.PRELUDE);
    ch.read(prelude, pos);
    prelude.flip();
    if (prelude.getInt() != RecordFormat.MAGIC) return -1;
    int headerLength = prelude.getInt();
    int payloadLength = prelude.getInt();
    long length = RecordFormat.PRELUDE + (long) headerLength + payloadLength;
    boolean sane = headerLength >= 40 && headerLength <= RecordFormat.MAX_HEADER && payloadLength >= 0;
    return sane && pos + length <= size ? length : -1;
  }

  /** The record at {@code pos}, header parsed and checksum verified; null when there is none. */
  private static RecordRef readRecord(FileChannel ch, long pos, long size) throws IOException {
    RecordRef ref = readRecordHeader(ch, pos, size, true);
    if (ref == null) return null;
    try {
      RecordPayload.verify(ch, ref);
      return ref;
    } catch (RecordPayload.DamagedRecordException e) {
      return null;
    }
  }

  private static final ThreadLocal<ByteBuffer> HEADERS = ThreadLocal.withInitial(() -> ByteBuffer.allocate(8192));

  /** The record header at {@code pos}, lengths checked against the file; null when there is none. */
  private static RecordRef readRecordHeader(FileChannel ch, long pos, long size, boolean outcome) throws IOException {
    if (pos + RecordFormat.PRELUDE > size) return null;
    // one read of prelude and header into this thread's buffer: start-up reads a header per record
    ByteBuffer buf = HEADERS.get();
    buf.clear().limit(Math.min(buf.capacity(), (int) Math.min(Integer.MAX_VALUE, size - pos)));
    ch.read(buf, pos);
    buf.flip();
    if (buf.remaining() < RecordFormat.PRELUDE || buf.getInt() != RecordFormat.MAGIC) return null;
    int headerLength = buf.getInt();
    int payloadLength = buf.getInt();
    buf.getInt(); // the checksum, not verified here
    if (headerLength < 40 || headerLength > RecordFormat.MAX_HEADER || payloadLength < 0
        || pos + RecordFormat.PRELUDE + headerLength + (long) payloadLength > size) {
      return null;
    }
    ByteBuffer header;
    if (buf.remaining() >= headerLength) {
      header = buf.slice(buf.position(), headerLength);
    } else { // a big meta or run: read the header whole
      header = ByteBuffer.allocate(headerLength);
      if (ch.read(header, pos + RecordFormat.PRELUDE) != headerLength) return null;
      header.flip();
    }
    try {
      ChunkRecord r = RecordFormat.header(header, false, outcome);
      return new RecordRef(pos, RecordFormat.PRELUDE + headerLength + payloadLength, headerLength, r);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The offset of the next intact record at or after {@code from}, or -1. */
  private static long findNext(FileChannel ch, long from, long size) throws IOException {
    ByteBuffer window = ByteBuffer.allocate(WINDOW);
    for (long base = from; base < size; base += WINDOW - 3) {
      window.clear();
      int n = ch.read(window, base);
      if (n < 4) break;
      for (int i = 0; i + 4 <= n; i++) {
        if (window.getInt(i) == RecordFormat.MAGIC && readRecord(ch, base + i, size) != null) return base + i;
      }
    }
    return -1;
  }
}
