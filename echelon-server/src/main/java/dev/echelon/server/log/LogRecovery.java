package dev.echelon.server.log;

import dev.echelon.core.Chunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Start-up of the file log: every replay folder is recovered from its own files straight into
 * the event index and the catalog (nothing is held twice), removals a crash interrupted are
 * finished, and the sequence continues after the highest id ever handed out. A folder that cannot
 * be read as a replay is reported and moved aside, never overwritten; it never stops the server.
 */
final class LogRecovery {
  private static final Logger LOG = System.getLogger(LogRecovery.class.getName());
  /** The only names the log writes in a replay folder: a folder holding nothing else is its own. */
  private static final Set<String> OWN = Set.of(ReplayLogFile.LOG, ReplayLogFile.INDEX, ReplayLogFile.INDEX + ".tmp");

  private static final int READ_ATTEMPTS = 4;

  private LogRecovery() {}

  /**
   * What was recovered: {@code lastEventId} is the highest id of any retained event (ids up to the
   * state's ceiling may have been handed out too); {@code legacy} are replay folders in the archive
   * format of the previous version.
   */
  record Result(Path dir, LogState state, Trash trash, long lastEventId, ConcurrentHashMap<String, ReplayState> replays,
      List<Path> legacy) {}

  /** Written by a clean shutdown once every replay log is exactly as acknowledged and forced. */
  static final String CLEAN_SHUTDOWN = "clean-shutdown";

  static Result run(FileReplayLog.Options o, Storage storage, java.time.InstantSource clock, EventIndex index,
      ReplayCatalog catalog) {
    Path dir = o.runsDir().resolve("replays");
    try {
      storage.createDirectories(dir, o.fsync());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the replays folder in ECHELON_RUNS_DIR (" + o.runsDir() + "): "
          + e.getMessage(), e);
    }
    // a clean shutdown leaves a marker: without it, the last process crashed and what it left unforced is forced now
    Path clean = o.runsDir().resolve(CLEAN_SHUTDOWN);
    boolean afterCrash = !storage.exists(clean);
    LogState state = LogState.open(storage, o.runsDir(), o.fsync(), FileReplayLog::report);
    Trash trash = new Trash(storage, dir, o.fsync(), FileReplayLog::report);
    trash.empty(); // what a removal interrupted by a crash left
    ConcurrentHashMap<String, ReplayState> replays = new ConcurrentHashMap<>();
    java.util.concurrent.atomic.LongAccumulator last = new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);
    java.util.concurrent.atomic.LongAdder bytes = new java.util.concurrent.atomic.LongAdder();
    java.util.concurrent.atomic.LongAdder finished = new java.util.concurrent.atomic.LongAdder();
    List<Path> legacy = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Path> folders;
    try {
      folders = storage.list(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the replays folder in ECHELON_RUNS_DIR (" + o.runsDir() + "): "
          + e.getMessage(), e);
    }
    // replays recover independently into concurrent structures: every core reads (the work is mostly syscalls)
    java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(
        Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors())));
    try {
      pool.submit(() -> folders.parallelStream().forEach(rdir -> {
        String id = rdir.getFileName().toString();
        if (id.equals(Trash.TRASH) || id.equals(Trash.REFUSED) || storage.kind(rdir) != Storage.Kind.DIRECTORY) return;
        if (!Chunk.isValidReplayId(id)) {
          FileReplayLog.report("ignoring " + id + " in the replays folder: not a replay id");
          return;
        }
        boolean old = LegacyImport.isLegacy(storage, rdir);
        if (old) legacy.add(rdir); // imported once the log is open; a log it began is recovered first
        if (old && !storage.exists(rdir.resolve(ReplayLogFile.LOG))) return;
        ReplayState s = recover(rdir, id, o.fsync(), afterCrash, storage, index, trash, clock);
        if (s == null) return;
        if (state.tombstones.removed(id, s.firstEventId)) {
          forget(s, index);
          try {
            trash.put(rdir, id + "-" + s.firstEventId);
            finished.increment();
          } catch (IOException e) {
            FileReplayLog.report("replay " + id + " was removed before a crash but its folder cannot go ("
                + e.getMessage() + "); its removal is tried again at the next start");
          }
          return;
        }
        replays.put(id, s);
        catalog.put(s.summary);
        last.accumulate(s.lastEventId);
        bytes.add(s.file.size());
      })).join();
    } finally {
      pool.shutdown();
    }
    legacy.sort(null);
    try {
      if (afterCrash) trash.force(); // the folders recovery kept may be entries a crash left unforced
      trash.settle();
    } catch (IOException e) {
      FileReplayLog.report("cannot force the replays folder (" + e.getMessage() + "); removals are finished at the next start");
    }
    if (finished.sum() > 0) {
      LOG.log(Level.INFO, "replay log: finished removing " + finished.sum() + " replays a crash interrupted");
    }
    if (!afterCrash) {
      try { // durably, before anything is written: a crash from now on must find no marker
        storage.deleteIfExists(clean);
        if (o.fsync()) storage.forceDirectory(o.runsDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove " + clean + " (" + e.getMessage() + "); check ECHELON_RUNS_DIR", e);
      }
    }
    if (state.unreadable) state.tombstones.raiseFloor(Math.max(last.get(), state.ceiling()) + 1);
    if (!replays.isEmpty()) {
      LOG.log(Level.INFO, "replay log: recovered " + replays.size() + " replays (" + bytes.sum() / 1_000_000 + " MB, "
          + index.size() + " events, last event id " + last.get() + ") from " + dir);
    }
    return new Result(dir, state, trash, last.get(), replays, List.copyOf(legacy));
  }

  private static ReplayState recover(Path rdir, String id, boolean fsync, boolean afterCrash, Storage storage,
      EventIndex index, Trash trash, java.time.InstantSource clock) {
    ReplayRecovery.Recovered r = null;
    for (int attempt = 1; r == null; attempt++) {
      try {
        r = ReplayRecovery.recover(rdir, id, fsync, afterCrash, FileReplayLog::report, storage);
        break;
      } catch (IOException e) {
        if (attempt == READ_ATTEMPTS) {
          FileReplayLog.report("replay " + id + " cannot be read or made durable (" + e.getMessage() + ", " + attempt
              + " attempts); it is left as it is and not served until a start that can; check the disk");
          return null;
        }
        try {
          Thread.sleep(5L << attempt); // an I/O error may pass: a replay is not hidden for one
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
    if (r == null || r.refs().isEmpty()) {
      String why = r == null ? "holds no replay log of its own" : "holds no intact chunk";
      setAside(rdir, id, why, storage, trash, clock);
      return null;
    }
    ReplayState s = new ReplayState(id);
    s.file = r.file();
    byte[] outcome = r.refs().get(r.refs().size() - 1).record().outcome();
    for (RecordRef full : r.refs()) {
      RecordRef ref = full.withoutTally();
      ChunkRecord rec = ref.record();
      RecordRef old = s.apply(ref);
      if (rec.started()) index.add(new LogEntry(rec.firstEventId(), LogEvent.Kind.START, s, null));
      if (old != null) index.remove(old.record().chunkEventId());
      index.add(new LogEntry(rec.chunkEventId(), LogEvent.Kind.CHUNK, s, ref));
      if (rec.ended()) index.add(new LogEntry(rec.lastEventId(), LogEvent.Kind.END, s, null));
    }
    // the last record's outcome folds every chunk before it; when a chunk it counted is not here, fold them again
    Outcome.Stored stored = Outcome.decode(outcome);
    if (stored != null && stored.chunks() == s.chunks.size()) s.take(new ReplayState.Folded(stored.outcome(), stored.chunks()));
    else s.refold();
    s.summarize();
    return s;
  }

  /** Takes a replay's entries back out of the index (its removal is being finished). */
  private static void forget(ReplayState s, EventIndex index) {
    if (s.startEventId > 0) index.remove(s.startEventId);
    if (s.endEventId > 0) index.remove(s.endEventId);
    for (RecordRef ref : s.chunks.values()) index.remove(ref.record().chunkEventId());
  }

  /**
   * A folder that holds no usable replay: removed when it holds only files the log writes (what a
   * crash during a first chunk or a removal leaves), else moved aside so its id is free and
   * nothing in it is lost.
   */
  private static void setAside(Path rdir, String id, String why, Storage storage, Trash trash,
      java.time.InstantSource clock) {
    try {
      boolean own = true;
      boolean hasLog = false;
      for (Path f : storage.list(rdir)) {
        String name = f.getFileName().toString();
        own &= OWN.contains(name) && storage.kind(f) == Storage.Kind.FILE;
        hasLog |= name.equals(ReplayLogFile.LOG);
      }
      if (own && !hasLog) {
        trash.put(rdir, id + "-" + clock.millis());
        FileReplayLog.report("folder " + id + " in the replays folder " + why + " (what a crash left); removed");
      } else {
        Path to = trash.refuse(rdir, clock.millis());
        FileReplayLog.report("replay " + id + " " + why + "; its folder is kept aside as " + to.getParent().getFileName()
            + "/" + to.getFileName() + " for you to inspect or delete, and the id is free again");
      }
    } catch (IOException e) {
      FileReplayLog.report("replay " + id + " " + why + ", and its folder cannot be moved aside (" + e.getMessage()
          + "); left as it is");
    }
  }
}
