package dev.echelon.server.check;

import dev.echelon.core.Chunk;
import dev.echelon.server.ServerConfig;
import dev.echelon.server.log.FileReplayLog;
import dev.echelon.server.log.ReplaySummary;
import dev.echelon.server.log.SimulatedDisk;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Looks at a runs directory behind the server's back: what recovery makes of it, and what it should not hold. */
final class Archive {
  private Archive() {}

  static Map<String, String> recovered(SimulatedDisk disk, InstantSource clock, ServerConfig c) {
    return recovered(disk.mount(), clock, c);
  }

  /** Each replay a log opened on {@code storage} recovers, with the chunks that read back intact. */
  static Map<String, String> recovered(dev.echelon.server.log.Storage storage, InstantSource clock, ServerConfig c) {
    FileReplayLog.Options o = new FileReplayLog.Options(c.runsDir(), c.fsync(), 0, Long.MAX_VALUE, Integer.MAX_VALUE,
        c.worldCacheMax(), c.worldCacheBytes(), Duration.ofDays(c.worldRetainDays()), c.sseStall());
    Map<String, String> out = new TreeMap<>();
    try (FileReplayLog log = FileReplayLog.open(o, storage, clock)) {
      for (ReplaySummary r : log.catalog().all()) {
        List<Integer> intact = new ArrayList<>();
        for (int i : log.chunkIndices(r.replayId())) {
          try {
            if (log.chunk(r.replayId(), i).isPresent()) intact.add(i); // reading verifies: damage found lazily counts too
          } catch (RuntimeException damaged) {
            // taken out of the replay
          }
        }
        // a replay with nothing intact is listed empty or set aside, as its damage was found early or late
        if (!intact.isEmpty()) out.put(r.replayId(), "intact chunks " + intact);
      }
    }
    return out;
  }

  /**
   * Paths under the runs directory that a clean start should have left nothing of: temporary
   * files, and replay folders that hold no listed replay (the server's own folders, whose names
   * are not replay ids, hold what it keeps aside on purpose).
   */
  static List<String> leftovers(List<String> tree, String root, Set<String> listed) {
    List<String> out = new ArrayList<>();
    for (String p : tree) {
      String rel = p.substring(root.length() + 1);
      if (rel.endsWith(".tmp")) out.add(rel + " (a temporary file)");
      if (rel.startsWith("replays/") && rel.endsWith("/") && rel.indexOf('/', 8) == rel.length() - 1) {
        String name = rel.substring(8, rel.length() - 1);
        if (Chunk.isValidReplayId(name) && !listed.contains(name)) out.add(rel + " (a folder of no listed replay)");
      }
    }
    return out;
  }
}
