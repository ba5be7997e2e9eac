package dev.echelon.server.log;

import dev.echelon.server.base.ApiException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The embedded replay log: one append-only, checksummed log file per replay under
 * {@code RUNS_DIR/replays/<id>/}, forced to disk before a push is answered, and an in-memory index
 * of every event by id. Appends to different replays run in parallel (each replay has its own
 * lock, and nothing global is held across I/O); readers never lock. Retention runs on its own
 * thread. One server at a time: the runs directory is locked while the log is open.
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
   * @param spare a replay that received a chunk this recently is never removed (ECHELON_SSE_STALL_S)
   */
  public record Options(Path runsDir, boolean fsync, long tailCacheBytes, long retainMaxBytes, int retainMaxReplays,
      int worldCacheMax, long worldCacheBytes, Duration worldRetain, Duration spare) {}

  final Path dir;
  final Options options;
  final Storage storage;
  final InstantSource clock;
  final LogState state;
  final Sequencer sequencer;
  final EventIndex index;
  final TailCache tail;
  final ReplayCatalog catalog;
  final ConcurrentHashMap<String, ReplayState> replays;
  final Trash trash;
  private final FileWorldStore worlds;
  private final Retention retention;
  private final Closeable lock;
  private volatile boolean closed;

  private FileReplayLog(Options options, Storage storage, InstantSource clock, Closeable lock, FileWorldStore worlds,
      EventIndex index, ReplayCatalog catalog, LogRecovery.Result recovered) {
    this.options = options;
    this.storage = storage;
    this.clock = clock;
    this.lock = lock;
    this.worlds = worlds;
    this.index = index;
    this.catalog = catalog;
    this.dir = recovered.dir();
    this.state = recovered.state();
    this.trash = recovered.trash();
    this.replays = recovered.replays();
    this.sequencer = new Sequencer(recovered.lastEventId(), state.ceiling(), state);
    this.tail = new TailCache(options.tailCacheBytes());
    this.retention = new Retention(this, options);
  }

  /** Opens (and recovers) the log under {@code options.runsDir()}, reporting damage to the server log. */
  public static FileReplayLog open(Options options) {
    return open(options, Storage.disk(), InstantSource.system());
  }

  /**
   * Opens the log on {@code storage}, telling time by {@code clock}: the seams fault tests use.
   *
   * @throws IllegalStateException when another server holds the runs directory (its lock file names it)
   */
  public static FileReplayLog open(Options options, Storage storage, InstantSource clock) {
    Closeable lock = RunsDirLock.take(options.runsDir(), options.fsync(), storage);
    try {
      FileWorldStore worlds = new FileWorldStore(storage, clock, options.runsDir(), options.worldCacheMax(),
          options.worldCacheBytes(), options.fsync());
      EventIndex index = new EventIndex();
      ReplayCatalog catalog = new ReplayCatalog();
      LogRecovery.Result recovered = LogRecovery.run(options, storage, clock, index, catalog);
      FileReplayLog log = new FileReplayLog(options, storage, clock, lock, worlds, index, catalog, recovered);
      for (Path legacy : recovered.legacy()) LegacyImport.run(log, storage, legacy);
      log.retention.start();
      return log;
    } catch (RuntimeException e) {
      RunsDirLock.release(lock);
      throw e;
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
      try {
        if (s.file.intact(existing)) {
          return new Appended(true, c.replayId(), c.chunkIndex(), s.total, false, false, s.runName,
              existing.record().chunkEventId());
        }
      } catch (IOException e) {
        throw storageError(c, e); // cannot tell now: the trainer retries
      }
      report("replay " + c.replayId() + ": chunk " + c.chunkIndex() + " was damaged on disk; the re-push repairs it");
    }
    Payload payload = encode.apply(c);
    if (!(payload instanceof Payload.InMemory made)) throw new IllegalArgumentException("encode must deflate the chunk");
    boolean ended = !s.complete() && total != null && s.chunks.size() + (existing == null ? 1 : 0) == total;
    int events = 1 + (fresh ? 1 : 0) + (ended ? 1 : 0);
    long first;
    try {
      first = sequencer.reserve(events);
    } catch (IOException e) {
      if (fresh) abandon(s);
      throw storageError(c, e);
    }
    try {
      // the replay's outcome with this chunk in, stored with it: start-up reads it from the last record alone
      ReplayState.Folded next = existing == null ? s.plus(c.chunkIndex(), c.tally())
          : s.refolded(c.chunkIndex(), c.tally()); // a damaged chunk pushed again: its old tally must not count twice
      ChunkRecord rec = new ChunkRecord(c.replayId(), c.worldRef(), first, c.chunkIndex(),
          c.chunkCount() == null ? -1 : c.chunkCount(), c.last(), fresh, ended, c.frameCount(), payload.plainLength(),
          payload.crc32(), at, c.meta(), c.run(), c.tally().encode(),
          next.outcome().encode(next.chunks())); // start-up folds again when that is not every chunk
      if (fresh) {
        s.file = ReplayLogFile.create(dir, c.replayId(), options.fsync(), FileReplayLog::report, storage);
        worlds.touch(c.worldRef());
      }
      RecordRef ref = s.file.append(rec, made.deflated());
      RecordRef old = s.apply(ref);
      s.take(next);
      catalog.put(s.summarize());
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

  void drop(RecordRef old) {
    index.remove(old.record().chunkEventId());
    tail.remove(old.record().chunkEventId());
  }

  @Override public EventReader reader(Long afterId, Subscription filter) {
    return new FileEventReader(this, afterId, filter);
  }

  /**
   * The event an index entry stands for; null when it is gone, or damaged (then reported and taken
   * out of its replay). Any other failure to read it is no verdict on the record: it ends the
   * viewer's stream, which resumes from there.
   *
   * @throws InterruptedException when the reading thread was interrupted (its viewer was closed)
   */
  LogEvent materialize(LogEntry e) throws InterruptedException {
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
      } catch (RecordPayload.DamagedRecordException damaged) {
        damaged(r, e.ref(), damaged);
        return null;
      } catch (ClosedByInterruptException | InterruptedIOException interrupted) {
        throw new InterruptedException("the viewer was closed while its chunk was read");
      } catch (IOException failed) {
        throw new UncheckedIOException("cannot read chunk " + e.ref().record().chunkIndex() + " of replay " + r.id
            + " (" + failed.getMessage() + "); the viewer resumes from there", failed);
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
      r.refold();
      catalog.put(r.summarize());
    } finally {
      r.lock.unlock();
    }
  }

  @Override public ReplayCatalog catalog() {
    return catalog;
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
    } catch (RecordPayload.DamagedRecordException e) {
      damaged(s, ref, e);
      throw ApiException.notFound("chunk " + chunkIndex + " of replay " + replayId
          + " is damaged on disk; push it again to repair it");
    } catch (IOException e) {
      throw ApiException.unavailable("chunk " + chunkIndex + " of replay " + replayId + " cannot be read now ("
          + e.getMessage() + "); retry shortly");
    }
    return Optional.of(disk);
  }

  @Override public long headEventId() {
    return sequencer.committed();
  }

  @Override public boolean available() {
    return !closed;
  }

  /** Takes a removed replay's events out of the index and the tail cache. */
  void forget(ReplayState s) {
    if (s.startEventId > 0) index.remove(s.startEventId);
    if (s.endEventId > 0) index.remove(s.endEventId);
    for (RecordRef ref : s.chunks.values()) drop(ref);
  }

  /** Removes replays as retention does, sparing those it would spare (for tests and tools). */
  void remove(List<String> replayIds, String why) {
    retention.remove(replayIds, why);
  }

  /** Deletes worlds no retained replay uses, once unused for the retention time. */
  void retainWorlds() {
    java.util.Set<String> inUse = new java.util.HashSet<>();
    for (ReplaySummary r : catalog.all()) inUse.add(r.worldRef());
    worlds.retain(inUse, options.worldRetain());
  }

  @Override public void close() {
    closed = true;
    retention.close();
    markCleanShutdown();
    RunsDirLock.release(lock);
  }

  /**
   * Tells the next start that nothing needs forcing: every log holds what was acknowledged, forced.
   * Not when a failed append could not take its bytes back (then the next start forces what it keeps).
   */
  private void markCleanShutdown() {
    if (!options.fsync()) return;
    for (ReplayState s : replays.values()) {
      s.lock.lock(); // an append under way finishes first
      try {
        if (s.file != null && s.file.unsure()) return;
      } finally {
        s.lock.unlock();
      }
    }
    try {
      storage.replace(options.runsDir().resolve(LogRecovery.CLEAN_SHUTDOWN), "clean\n".getBytes(
          java.nio.charset.StandardCharsets.US_ASCII), true);
    } catch (IOException e) {
      report("cannot mark the shutdown clean (" + e.getMessage() + "); the next start forces every replay log");
    }
  }
}
