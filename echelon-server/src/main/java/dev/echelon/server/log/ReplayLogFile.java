package dev.echelon.server.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * One replay's files: {@code replay.log}, its chunk records appended and forced to disk one by one,
 * and {@code replay.idx}, an index of those records written after each one is durable. The log is
 * the truth; the index only saves reading every record header at start-up, so it is never forced
 * and {@link ReplayRecovery} rebuilds it whenever it disagrees with the log.
 * Not thread-safe: the log calls it under the replay's lock.
 */
final class ReplayLogFile {
  static final String LOG = "replay.log";
  static final String INDEX = "replay.idx";

  final String replayId;
  final Path dir;
  private final boolean fsync;
  private final Consumer<String> report;
  private final Storage storage;
  private long size;
  private volatile boolean unsure;
  private boolean indexUsable = true;

  ReplayLogFile(String replayId, Path dir, long size, boolean fsync, Consumer<String> report, Storage storage) {
    this.storage = storage;
    this.replayId = replayId;
    this.dir = dir;
    this.size = size;
    this.fsync = fsync;
    this.report = report;
  }

  /** Creates the replay's directory and empty files, durably (the directory entries are forced too). */
  static ReplayLogFile create(Path replaysDir, String replayId, boolean fsync, Consumer<String> report, Storage storage)
      throws IOException {
    Path dir = replaysDir.resolve(replayId);
    ReplayLogFile file = new ReplayLogFile(replayId, dir, 0, fsync, report, storage);
    try {
      storage.createDirectories(dir);
      // a log already there belongs to something recovery set aside or failed to read: never overwrite it
      storage.open(dir.resolve(LOG), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
      storage.write(dir.resolve(INDEX), RecordFormat.indexHeader(replayId), fsync);
      if (fsync) {
        storage.forceDirectory(dir);
        storage.forceDirectory(replaysDir);
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new IOException("replay " + replayId + " has files in " + dir + " that this server did not recover;"
          + " move them away to push it here", e);
    } catch (IOException e) {
      try {
        file.delete(); // a half-made directory would be reported at every start
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    return file;
  }

  Path log() {
    return dir.resolve(LOG);
  }

  long size() {
    return size;
  }

  /** True while a failed append may have left bytes past the log's length that were not taken back. */
  boolean unsure() {
    return unsure;
  }

  /**
   * Appends a record and forces it to disk. On any failure the file is cut back to where it was,
   * so nothing of the failed record can be recovered later.
   */
  RecordRef append(ChunkRecord r, byte[] payload) throws IOException {
    ByteBuffer head = RecordFormat.head(r, payload);
    int headerLength = head.remaining() - RecordFormat.PRELUDE;
    long at = size;
    try (FileChannel ch = storage.open(log(), StandardOpenOption.WRITE)) {
      try {
        if (ch.size() != at) ch.truncate(at); // what an earlier failed append may have left
        ch.position(at);
        ByteBuffer[] parts = {head, ByteBuffer.wrap(payload)};
        while (parts[1].hasRemaining()) ch.write(parts);
        if (fsync) ch.force(false);
      } catch (IOException e) {
        try {
          ch.truncate(at);
          if (fsync) ch.force(false);
        } catch (IOException again) {
          e.addSuppressed(again);
          unsure = true; // what the failed write left may be read back after a restart
        }
        throw e;
      }
    }
    unsure = false; // cut back to its length and forced
    RecordRef ref = new RecordRef(at, RecordFormat.PRELUDE + headerLength + payload.length, headerLength, r.withoutTally());
    size = ref.end();
    appendIndex(ref);
    return ref;
  }

  private void appendIndex(RecordRef ref) {
    if (!indexUsable) return;
    try (FileChannel ch = storage.open(dir.resolve(INDEX), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer e = RecordFormat.entry(ref);
      while (e.hasRemaining()) ch.write(e);
    } catch (IOException e) {
      // the record itself is durable; recovery rebuilds the index from the log
      indexUsable = false;
      report.accept("replay " + replayId + ": cannot update its index (" + e.getMessage()
          + "); it will be rebuilt from the log at the next start");
    }
  }

  /** Rewrites the index from {@code refs}, atomically. */
  void rewriteIndex(Iterable<RecordRef> refs) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    out.write(RecordFormat.indexHeader(replayId).array());
    for (RecordRef ref : refs) out.write(RecordFormat.entry(ref).array());
    storage.replace(dir.resolve(INDEX), out.toByteArray(), fsync);
    indexUsable = true;
  }

  /** The stored payload of a record, read from disk when written (verified before any byte goes out). */
  Payload payload(RecordRef ref) {
    return new RecordPayload(storage, log(), ref);
  }

  /**
   * True when the record's checksum matches what is on disk now, false when it is gone or damaged.
   *
   * @throws IOException when it cannot be read now (an I/O error is no verdict on the record)
   */
  boolean intact(RecordRef ref) throws IOException {
    try {
      RecordPayload.verify(storage, log(), ref);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (RecordPayload.DamagedRecordException e) {
      report.accept("replay " + replayId + ": chunk " + ref.record().chunkIndex() + " is damaged on disk ("
          + e.getMessage() + ")");
      return false;
    }
  }

  /** The tally in a record's header, read from disk; null when the record has none or cannot be read. */
  ChunkTally tally(RecordRef ref) {
    if (ref.record().tally() == null) return null;
    for (int attempt = 1; ; attempt++) { // an I/O error may pass: an outcome is not left short for one
      try (FileChannel ch = storage.open(log(), StandardOpenOption.READ)) {
        ByteBuffer header = ByteBuffer.allocate(ref.headerLength());
        while (header.hasRemaining() && ch.read(header, ref.offset() + RecordFormat.PRELUDE + header.position()) > 0) {
          // read it whole
        }
        return ChunkTally.decode(RecordFormat.header(header.flip()).tally());
      } catch (IOException | RuntimeException e) {
        if (attempt < TALLY_ATTEMPTS && e instanceof IOException) continue;
        report.accept("replay " + replayId + ": cannot read the tally of chunk " + ref.record().chunkIndex() + " ("
            + e.getMessage() + "); its outcome leaves that chunk out until a later chunk or start-up reads it");
        return null;
      }
    }
  }

  private static final int TALLY_ATTEMPTS = 4;

  /** Removes the replay's files and directory; only names this class writes are touched. */
  void delete() throws IOException {
    storage.deleteIfExists(dir.resolve(LOG));
    storage.deleteIfExists(dir.resolve(INDEX));
    storage.deleteIfExists(dir.resolve(INDEX + ".tmp"));
    storage.deleteIfExists(dir);
  }
}
