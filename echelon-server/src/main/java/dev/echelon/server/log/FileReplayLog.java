package dev.echelon.server.log;

import dev.echelon.server.base.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The embedded replay log: one append-only, checksummed log file per replay under
 * {@code RUNS_DIR/replays/<id>/}, forced to disk before a push is answered, and an in-memory index
 * of every event by id. Appends to different replays run in parallel (each replay has its own
 * lock, and nothing global is held across I/O); readers never lock. Retention runs on its own
 * thread.
 */
public final class FileReplayLog implements ReplayLog {
  private static final Logger LOG = System.getLogger(FileReplayLog.class.getName());

  /**
   * Settings of the file log.
   *
   * @param runsDir ECHELON_RUNS_DIR as configured (named in errors as given)
   * @param fsync force every append to disk before answering (ECHELON_FSYNC)
   * @param tailCacheBytes recent payloads kept in memory for viewers at the head
   * @param retainMaxBytes disk budget of the archive
   * @param retainMaxReplays replay budget of the archive
   * @param worldCacheMax worlds held in memory at most
   * @param worldCacheBytes bytes of worlds held in memory
   * @param worldRetain worlds no retained replay uses are deleted once unused this long
   */
  public record Options(Path runsDir, boolean fsync, long tailCacheBytes, long retainMaxBytes, int retainMaxReplays,
      int worldCacheMax, long worldCacheBytes, java.time.Duration worldRetain) {}

  final Path dir;
  final Options options;
  final Sequencer sequencer;
  final EventIndex index = new EventIndex();
  final TailCache tail;
  final Tombstones tombstones;
  final ConcurrentHashMap<String, ReplayState> replays;
  private final FileWorldStore worlds;
  private final Retention retention;
  final Storage storage;
  final java.time.InstantSource clock;
  private final java.time.Duration worldRetain;
  private final Object snapshotLock = new Object();
  private volatile LogSnapshot snapshot;
  private volatile boolean closed;
  private java.io.Closeable lock;
  /** The lock file in the runs directory: held by the one server that uses it. */
  static final String LOCK = "echelon.lock";

  FileReplayLog(Options options, LogRecovery.Result recovered, FileWorldStore worlds, Storage storage,
      java.time.InstantSource clock) {
    this.options = options;
    this.storage = storage;
    this.clock = clock;
    this.dir = recovered.dir();
    this.worlds = worlds;
    this.tail = new TailCache(options.tailCacheBytes());
    this.tombstones = recovered.tombstones();
    this.sequencer = new Sequencer(recovered.lastEventId());
    this.replays = recovered.replays();
    this.snapshot = recovered.snapshot();
    for (LogEntry e : recovered.entries()) index.add(e);
    this.retention = new Retention(this, options.retainMaxBytes(), options.retainMaxReplays());
    this.worldRetain = options.worldRetain();
  }

  /** Opens (and recovers) the log under {@code options.runsDir()}, reporting damage to the server log. */
  public static FileReplayLog open(Options options) {
    return open(options, Storage.disk(), java.time.InstantSource.system());
  }

  /**
   * Opens the log on {@code storage}, telling time by {@code clock}: the seams fault tests use.
   *
   * @throws IllegalStateException when another server holds the runs directory (its lock file names it)
   */
  public static FileReplayLog open(Options options, Storage storage, java.time.InstantSource clock) {
    java.io.Closeable lock = lock(options, storage);
    try {
      FileWorldStore worlds = new FileWorldStore(storage, clock, options.runsDir(), options.worldCacheMax(),
          options.worldCacheBytes(), options.fsync());
      LogRecovery.Result recovered = LogRecovery.run(options, storage);
      FileReplayLog log = new FileReplayLog(options, recovered, worlds, storage, clock);
      log.lock = lock;
      for (Path legacy : recovered.legacy()) LegacyImport.run(log, storage, legacy);
      log.retention.start();
      return log;
    } catch (RuntimeException e) {
      release(lock);
      throw e;
    }
  }

  /**
   * One server per runs directory: two would cut each other's records and hand out the same event
   * ids. The lock is the operating system's, so it goes with the process however that ends.
   */
  private static java.io.Closeable lock(Options options, Storage storage) {
    Path file = options.runsDir().resolve(LOCK);
    try {
      return storage.lock(file, "pid " + ProcessHandle.current().pid());
    } catch (Storage.HeldLockException e) {
      throw new IllegalStateException("ECHELON_RUNS_DIR " + options.runsDir().toAbsolutePath() + " is in use by another"
          + " Echelon server (" + e.holder() + "); stop that one, or give this one its own ECHELON_RUNS_DIR", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock ECHELON_RUNS_DIR " + options.runsDir().toAbsolutePath() + " ("
          + file.getFileName() + ": " + e.getMessage() + "); is it writable?", e);
    }
  }

  private static void release(java.io.Closeable lock) {
    try {
      lock.close();
    } catch (IOException e) {
      report("cannot release the lock on ECHELON_RUNS_DIR: " + e.getMessage());
    }
  }

  static void report(String problem) {
    LOG.log(Level.WARNING, "replay log: " + problem);
  }

  @Override public String backend() {
    return "file";
  }

  @Override public WorldStore worlds() {
    return worlds;
  }

  @Override public Appended append(PushedChunk c, Function<PushedChunk, Payload> encode) {
    return append(c, encode, clock.millis());
  }

  /** An append stamped with {@code appendedAtMillis} (the import of an older archive keeps its times). */
  Appended append(PushedChunk c, Function<PushedChunk, Payload> encode, long appendedAtMillis) {
    while (true) {
      if (closed) throw ApiException.unavailable("the server is shutting down; retry in a moment");
      ReplayState s = replays.computeIfAbsent(c.replayId(), ReplayState::new);
      s.lock.lock();
      try {
        if (s.deleted) {
          replays.remove(c.replayId(), s);
          continue; // removed by retention meanwhile: this chunk starts it afresh
        }
        Appended a = appendLocked(s, c, encode, appendedAtMillis);
        if (a.started()) retention.request();
        return a;
      } finally {
        s.lock.unlock();
      }
    }
  }

  private Appended appendLocked(ReplayState s, PushedChunk c, Function<PushedChunk, Payload> encode, long at) {
    boolean fresh = s.file == null;
    if (!fresh) ReplayRules.check(s, c);
    Integer total = s.total != null ? s.total : c.knownTotal();
    RecordRef existing = s.chunks.get(c.chunkIndex());
    if (existing != null) {
      if (s.file.intact(existing)) {
        return new Appended(true, c.replayId(), c.chunkIndex(), s.total, false, false, s.runName,
            existing.record().chunkEventId());
      }
      report("replay " + c.replayId() + ": chunk " + c.chunkIndex() + " was damaged on disk; the re-push repairs it");
    }
    Payload payload = encode.apply(c);
    if (!(payload instanceof Payload.InMemory made)) throw new IllegalArgumentException("encode must deflate the chunk");
    boolean ended = !s.complete() && total != null && s.chunks.size() + (existing == null ? 1 : 0) == total;
    int events = 1 + (fresh ? 1 : 0) + (ended ? 1 : 0);
    long first = sequencer.reserve(events);
    try {
      ChunkRecord rec = new ChunkRecord(c.replayId(), c.worldRef(), first, c.chunkIndex(),
          c.chunkCount() == null ? -1 : c.chunkCount(), c.last(), fresh, ended, c.frameCount(), payload.plainLength(),
          payload.crc32(), at, c.meta(), c.run());
      if (fresh) {
        s.file = ReplayFile.create(dir, c.replayId(), options.fsync(), FileReplayLog::report, storage);
        worlds.touch(c.worldRef());
      }
      RecordRef ref = s.file.append(rec, made.deflated());
      RecordRef old = s.apply(ref);
      publish(s.summarize());
      if (fresh) index.add(new LogEntry(first, LogEvent.Kind.START, s, null));
      if (old != null) drop(old);
      index.add(new LogEntry(rec.chunkEventId(), LogEvent.Kind.CHUNK, s, ref));
      tail.put(rec.chunkEventId(), payload);
      if (ended) index.add(new LogEntry(rec.lastEventId(), LogEvent.Kind.END, s, null));
      return new Appended(false, c.replayId(), c.chunkIndex(), s.total, fresh, ended, s.runName, rec.chunkEventId());
    } catch (IOException e) {
      if (fresh) abandon(s);
      throw storageError(c, e);
    } finally {
      sequencer.finish(first);
    }
  }

  /** A first append that failed leaves no directory behind and no state. */
  private void abandon(ReplayState s) {
    if (s.file != null) {
      try {
        s.file.delete();
      } catch (IOException e) {
        report("replay " + s.id + ": cannot remove the directory of a failed first chunk: " + e.getMessage());
      }
    }
    s.file = null;
    s.deleted = true;
    replays.remove(s.id, s);
  }

  private RuntimeException storageError(PushedChunk c, IOException e) {
    String what = "chunk " + c.chunkIndex() + " of replay " + c.replayId();
    if (Storage.isFull(e)) {
      return ApiException.storageFull("ECHELON_RUNS_DIR (" + options.runsDir() + ") is full: " + what
          + " was not stored; free space on that disk or lower ECHELON_RETAIN_MAX_BYTES, then retry");
    }
    LOG.log(Level.ERROR, "replay log: cannot store " + what, e);
    return new UncheckedIOException("cannot store " + what + " in ECHELON_RUNS_DIR", e);
  }

  private void drop(RecordRef old) {
    index.remove(old.record().chunkEventId());
    tail.remove(old.record().chunkEventId());
  }

  void publish(ReplaySummary s) {
    synchronized (snapshotLock) {
      snapshot = snapshot.with(s.replayId(), s);
    }
  }

  @Override public EventReader reader(Long afterId, Subscription filter) {
    return new FileEventReader(this, afterId, filter);
  }

  /** The event an index entry stands for; null when it is gone or damaged (reported). */
  LogEvent materialize(LogEntry e) {
    ReplayState r = e.replay();
    if (r.deleted) return null;
    ReplaySummary sum = r.summary;
    if (e.kind() != LogEvent.Kind.CHUNK) return new LogEvent(e.id(), e.kind(), sum, -1, null, null);
    Payload p = tail.get(e.id());
    if (p == null) {
      RecordPayload disk = (RecordPayload) r.file.payload(e.ref());
      try {
        disk.verify();
      } catch (NoSuchFileException gone) {
        return null; // removed by retention; the reader's tombstone check tells the viewer
      } catch (IOException damaged) {
        damaged(r, e.ref(), damaged);
        return null;
      }
      p = disk;
    }
    return new LogEvent(e.id(), LogEvent.Kind.CHUNK, sum, e.ref().record().chunkIndex(), p, null);
  }

  /** Takes a chunk whose record failed its checksum out of the replay, so a re-push is accepted. */
  void damaged(ReplayState r, RecordRef ref, IOException why) {
    report("replay " + r.id + ": chunk " + ref.record().chunkIndex() + " is damaged on disk (" + why.getMessage()
        + "); skipped until it is pushed again");
    r.lock.lock();
    try {
      if (r.deleted || !r.chunks.remove(ref.record().chunkIndex(), ref)) return;
      r.frames -= ref.record().frameCount();
      r.bytes -= ref.record().plainLength();
      drop(ref);
      publish(r.summarize());
    } finally {
      r.lock.unlock();
    }
  }

  @Override public LogSnapshot snapshot() {
    return snapshot;
  }

  @Override public List<Integer> chunkIndices(String replayId) {
    ReplayState s = replays.get(replayId);
    return s == null ? List.of() : s.chunks.keySet().stream().sorted().toList();
  }

  @Override public Optional<Payload> chunk(String replayId, int chunkIndex) {
    ReplayState s = replays.get(replayId);
    RecordRef ref = s == null ? null : s.chunks.get(chunkIndex);
    if (ref == null || s.deleted) return Optional.empty();
    Payload p = tail.get(ref.record().chunkEventId());
    if (p != null) return Optional.of(p);
    RecordPayload disk = (RecordPayload) s.file.payload(ref);
    try {
      disk.verify();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      damaged(s, ref, e);
      throw ApiException.notFound("chunk " + chunkIndex + " of replay " + replayId
          + " is damaged on disk; push it again to repair it");
    }
    return Optional.of(disk);
  }

  @Override public long headEventId() {
    return sequencer.committed();
  }

  @Override public boolean available() {
    return !closed;
  }

  /** Removes a replay: recorded as a tombstone first (durably), then its entries, then its files. */
  void delete(String replayId, String why) {
    ReplayState s = replays.get(replayId);
    if (s == null) return;
    s.lock.lock();
    try {
      if (s.deleted || s.file == null) return;
      try {
        tombstones.add(new Tombstones.Tombstone(s.id, s.runName, s.firstEventId, s.lastEventId),
            sequencer.lastReserved());
      } catch (IOException e) {
        report("cannot record the removal of replay " + s.id + " (" + e.getMessage()
            + "); viewers resuming across a restart may miss a resync");
      }
      s.deleted = true;
      if (s.startEventId > 0) index.remove(s.startEventId);
      if (s.endEventId > 0) index.remove(s.endEventId);
      for (RecordRef ref : s.chunks.values()) drop(ref);
      replays.remove(s.id, s);
      synchronized (snapshotLock) {
        snapshot = snapshot.with(s.id, null);
      }
      s.file.delete();
      if (options.fsync()) storage.forceDirectory(dir);
      LOG.log(Level.INFO, "replay log: removed replay " + s.id + " (" + why + ")");
    } catch (IOException e) {
      report("cannot remove the files of replay " + s.id + ": " + e.getMessage());
    } finally {
      s.lock.unlock();
    }
  }

  /** Deletes worlds no retained replay uses, once unused for the retention time. */
  void retainWorlds() {
    java.util.Set<String> inUse = new java.util.HashSet<>();
    for (ReplaySummary r : snapshot.all()) inUse.add(r.worldRef());
    worlds.retain(inUse, worldRetain);
  }

  @Override public void close() {
    closed = true;
    retention.close();
    if (lock != null) release(lock);
  }
}
