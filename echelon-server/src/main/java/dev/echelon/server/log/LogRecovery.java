package dev.echelon.server.log;

import dev.echelon.core.Chunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Start-up of the file log: every replay directory is recovered from its own files, the event
 * index is rebuilt from the records' ids, and the sequence continues after the highest id ever
 * handed out. A damaged replay is reported and left on disk untouched; it never stops the server.
 */
final class LogRecovery {
  private static final Logger LOG = System.getLogger(LogRecovery.class.getName());

  private LogRecovery() {}

  /** What was recovered; {@code legacy} are replay folders in the archive format of the previous version. */
  record Result(Path dir, Tombstones tombstones, long lastEventId, ConcurrentHashMap<String, ReplayState> replays,
      LogSnapshot snapshot, List<LogEntry> entries, List<Path> legacy) {}

  static Result run(FileReplayLog.Options o, Storage storage) {
    Path dir = o.runsDir().resolve("replays");
    try {
      storage.createDirectories(dir, o.fsync());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the replays folder in ECHELON_RUNS_DIR (" + o.runsDir() + "): "
          + e.getMessage(), e);
    }
    Tombstones tombstones = Tombstones.load(storage, o.runsDir().resolve("log-state.json"), o.fsync(),
        FileReplayLog::report);
    ConcurrentHashMap<String, ReplayState> replays = new ConcurrentHashMap<>();
    Map<Long, LogEntry> entries = new LinkedHashMap<>();
    Map<String, ReplaySummary> summaries = new HashMap<>();
    long last = tombstones.lastEventId();
    long bytes = 0;
    List<Path> legacy = new java.util.ArrayList<>();
    try {
      for (Path rdir : storage.list(dir)) {
        String id = rdir.getFileName().toString();
        if (storage.kind(rdir) != Storage.Kind.DIRECTORY) continue;
        if (!Chunk.isValidReplayId(id)) {
          FileReplayLog.report("ignoring " + rdir.getFileName() + " in the replays folder: not a replay id");
          continue;
        }
        if (LegacyImport.isLegacy(storage, rdir)) {
          legacy.add(rdir);
          continue;
        }
        ReplayState s = recover(rdir, id, o.fsync(), storage, entries);
        if (s == null) continue;
        replays.put(id, s);
        summaries.put(id, s.summary);
        last = Math.max(last, s.lastEventId);
        bytes += s.file.size();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the replays folder in ECHELON_RUNS_DIR (" + o.runsDir() + ")", e);
    }
    tombstones.settleFloor(last);
    if (!replays.isEmpty()) {
      LOG.log(Level.INFO, "replay log: recovered " + replays.size() + " replays (" + bytes / 1_000_000 + " MB, "
          + entries.size() + " events, last event id " + last + ") from " + dir);
    }
    return new Result(dir, tombstones, last, replays, new LogSnapshot(summaries), List.copyOf(entries.values()), legacy);
  }

  private static ReplayState recover(Path rdir, String id, boolean fsync, Storage storage,
      Map<Long, LogEntry> entries) {
    ReplayRecovery.Recovered r;
    try {
      r = ReplayRecovery.recover(rdir, id, fsync, FileReplayLog::report, storage);
    } catch (IOException e) {
      FileReplayLog.report("replay " + id + " cannot be read (" + e.getMessage() + "); left as it is");
      return null;
    }
    if (r == null) {
      FileReplayLog.report("folder " + id + " in the replays folder holds no replay log; left as it is");
      return null;
    }
    if (r.refs().isEmpty()) {
      FileReplayLog.report("replay " + id + " holds no intact chunk; left as it is");
      return null;
    }
    ReplayState s = new ReplayState(id);
    s.file = r.file();
    for (RecordRef ref : r.refs()) {
      ChunkRecord rec = ref.record();
      RecordRef old = s.apply(ref);
      if (rec.started()) entries.put(rec.firstEventId(), new LogEntry(rec.firstEventId(), LogEvent.Kind.START, s, null));
      if (old != null) entries.remove(old.record().chunkEventId());
      entries.put(rec.chunkEventId(), new LogEntry(rec.chunkEventId(), LogEvent.Kind.CHUNK, s, ref));
      if (rec.ended()) entries.put(rec.lastEventId(), new LogEntry(rec.lastEventId(), LogEvent.Kind.END, s, null));
    }
    s.summarize();
    return s;
  }
}
