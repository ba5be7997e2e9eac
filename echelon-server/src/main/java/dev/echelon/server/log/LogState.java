package dev.echelon.server.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * {@code RUNS_DIR/log-state.log}: what the log must remember beyond its replays' own files, one
 * checksummed record appended at a time, never rewritten on a delete: the highest event id that
 * may have been handed out (reserved {@value #BLOCK} ahead, so ids never go back even when the
 * record holding the highest one is lost) and a tombstone per removed replay. Once it holds twice
 * the tombstones kept, it is compacted to its live content: O(1) per delete, amortised. A torn
 * last record (a crash mid-append) is cut off; damage before it makes every older resume resync.
 */
final class LogState {
  static final String FILE = "log-state.log";
  /** The state file of the previous version, read once and folded in. */
  static final String PREVIOUS = "log-state.json";
  static final long BLOCK = 1 << 16;
  private static final byte CEILING = 'C';
  private static final byte TOMBSTONE = 'T';
  private static final byte FLOOR = 'F';
  private static final int MAX_RECORD = 1 << 16;

  private final Storage storage;
  private final Path file;
  private final boolean fsync;
  private final Consumer<String> report;
  final Tombstones tombstones = new Tombstones();
  private long ceiling;
  private long tombstoneRecords;
  private long size;
  /** Whether this process forced the file's name into its directory. */
  private boolean named;
  /** Set when the state could not be read: every resume older than start-up resyncs. */
  boolean unreadable;

  private LogState(Storage storage, Path runsDir, boolean fsync, Consumer<String> report) {
    this.storage = storage;
    this.file = runsDir.resolve(FILE);
    this.fsync = fsync;
    this.report = report;
  }

  static LogState open(Storage storage, Path runsDir, boolean fsync, Consumer<String> report) {
    LogState s = new LogState(storage, runsDir, fsync, report);
    try {
      storage.deleteIfExists(runsDir.resolve(FILE + ".tmp")); // a compaction a crash interrupted
    } catch (IOException e) {
      report.accept("cannot remove " + FILE + ".tmp (" + e.getMessage() + ")");
    }
    s.read();
    s.foldInPrevious(runsDir.resolve(PREVIOUS));
    return s;
  }

  /** The highest event id that may have been handed out before. */
  synchronized long ceiling() {
    return ceiling;
  }

  /** Makes sure ids up to {@code id} are covered by a durable ceiling before they are handed out. */
  synchronized void reserve(long id) throws IOException {
    if (id <= ceiling) return;
    long next = id + BLOCK;
    append(List.of(record(CEILING, b -> b.putLong(next))));
    ceiling = next;
  }

  /** Records removals durably (one write, one force); only then may their files go. */
  synchronized void remove(List<Tombstones.Tombstone> removed) throws IOException {
    List<ByteBuffer> records = new ArrayList<>(removed.size());
    for (Tombstones.Tombstone t : removed) records.add(tombstone(t));
    append(records);
    for (Tombstones.Tombstone t : removed) tombstones.add(t);
    tombstoneRecords += removed.size();
    if (tombstoneRecords > 2L * Tombstones.MAX) compact();
  }

  private void append(List<ByteBuffer> records) throws IOException {
    try (FileChannel ch = storage.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long at = size;
      try {
        if (ch.size() != at) ch.truncate(at);
        ch.position(at);
        for (ByteBuffer r : records) while (r.hasRemaining()) ch.write(r);
        if (fsync) ch.force(false);
      } catch (IOException e) {
        try {
          ch.truncate(at);
        } catch (IOException again) {
          e.addSuppressed(again);
        }
        throw e;
      }
      size = ch.position();
    }
    if (!named && fsync) {
      // else a power cut forgets the file, name and all (it may have been made by an earlier, failed try, or by a
      // process a crash stopped): once per process, after the first write that reached the disk
      storage.forceDirectory(file.getParent());
      named = true;
    }
  }

  /** Rewrites the file to what it means now: the floor, the ceiling and the tombstones kept. */
  private void compact() throws IOException {
    Tombstones.Saved saved = tombstones.saved();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes(record(FLOOR, b -> b.putLong(saved.floor()).putLong(saved.dropped()))));
    out.writeBytes(bytes(record(CEILING, b -> b.putLong(ceiling))));
    for (Tombstones.Tombstone t : saved.kept()) out.writeBytes(bytes(tombstone(t)));
    storage.replace(file, out.toByteArray(), fsync);
    size = out.size();
    tombstoneRecords = saved.kept().size();
  }

  private interface Fields {
    void put(ByteBuffer b);
  }

  private static ByteBuffer record(byte type, Fields fields) {
    ByteBuffer body = ByteBuffer.allocate(MAX_RECORD);
    body.put(type);
    fields.put(body);
    body.flip();
    CRC32C crc = new CRC32C();
    crc.update(body.duplicate());
    ByteBuffer r = ByteBuffer.allocate(8 + body.remaining());
    r.putInt(body.remaining()).putInt((int) crc.getValue()).put(body);
    return r.flip();
  }

  private static ByteBuffer tombstone(Tombstones.Tombstone t) {
    byte[] id = t.replayId().getBytes(StandardCharsets.US_ASCII);
    byte[] run = t.runName() == null ? null : t.runName().getBytes(StandardCharsets.UTF_8);
    return record(TOMBSTONE, b -> {
      b.putLong(t.firstEventId()).putLong(t.lastEventId()).put((byte) id.length).put(id);
      b.putShort((short) (run == null ? -1 : Math.min(run.length, 4096)));
      if (run != null) b.put(run, 0, Math.min(run.length, 4096));
    });
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }

  private void read() {
    byte[] all;
    try {
      all = storage.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return; // a new log
    } catch (IOException e) {
      report.accept("the log state " + FILE + " is unreadable (" + e.getMessage() + "); event ids continue from the"
          + " records, and resumes older than now will resync");
      unreadable = true;
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(all);
    List<Tombstones.Tombstone> kept = new ArrayList<>();
    long floor = 0;
    long dropped = 0;
    while (b.remaining() >= 8) {
      int at = b.position();
      int length = b.getInt();
      int crc = b.getInt();
      if (length < 1 || length > MAX_RECORD || length > b.remaining()) {
        b.position(at);
        break; // a torn last record
      }
      ByteBuffer body = b.slice(b.position(), length);
      b.position(b.position() + length);
      CRC32C c = new CRC32C();
      c.update(body.duplicate());
      if ((int) c.getValue() != crc) {
        if (!b.hasRemaining()) {
          b.position(at);
          break; // a torn last record
        }
        report.accept("the log state " + FILE + " is damaged at byte " + at + "; resumes older than now will resync");
        unreadable = true;
        continue;
      }
      try {
        switch (body.get()) {
          case CEILING -> ceiling = Math.max(ceiling, body.getLong());
          case FLOOR -> {
            floor = Math.max(floor, body.getLong());
            dropped = Math.max(dropped, body.getLong());
          }
          case TOMBSTONE -> {
            long first = body.getLong();
            long last = body.getLong();
            byte[] id = new byte[body.get() & 0xff];
            body.get(id);
            int runLength = body.getShort();
            byte[] run = runLength < 0 ? null : new byte[runLength];
            if (run != null) body.get(run);
            kept.add(new Tombstones.Tombstone(new String(id, StandardCharsets.US_ASCII),
                run == null ? null : new String(run, StandardCharsets.UTF_8), first, last));
            ceiling = Math.max(ceiling, last);
            tombstoneRecords++;
          }
          default -> throw new IllegalArgumentException("unknown record");
        }
      } catch (RuntimeException e) {
        report.accept("the log state " + FILE + " holds a record it cannot read at byte " + at + "; skipped");
        unreadable = true;
      }
    }
    size = b.position();
    if (size < all.length) {
      report.accept("the log state " + FILE + " ends in " + (all.length - size) + " bytes of a torn record; dropped");
    }
    int from = Math.max(0, kept.size() - Tombstones.MAX);
    for (int i = 0; i < from; i++) floor = Math.max(floor, kept.get(i).lastEventId() + 1);
    tombstones.restore(floor, dropped + from, kept.subList(from, kept.size()));
  }

  /** Folds the state file of the previous version in, once: written anew here, then the old file goes. */
  private void foldInPrevious(Path previous) {
    if (storage.kind(previous) != Storage.Kind.FILE) return;
    try {
      JsonNode n = Json.mapper().readTree(storage.readAllBytes(previous));
      ceiling = Math.max(ceiling, n.path("last_event_id").asLong());
      tombstones.raiseFloor(Math.max(0, n.path("deleted_below").asLong()));
      for (JsonNode e : n.path("tombstones")) {
        tombstones.add(new Tombstones.Tombstone(e.path("replay_id").asText(),
            e.path("run").isTextual() ? e.get("run").asText() : null, e.path("first").asLong(), e.path("last").asLong()));
      }
    } catch (IOException | RuntimeException e) {
      report.accept("the log state of the previous version " + PREVIOUS + " is unreadable (" + e.getMessage()
          + "); resumes older than now will resync");
      unreadable = true;
    }
    try {
      compact();
      storage.deleteIfExists(previous);
    } catch (IOException e) {
      report.accept("cannot write " + FILE + " (" + e.getMessage() + "); " + PREVIOUS + " is read again at the next start");
    }
  }
}
