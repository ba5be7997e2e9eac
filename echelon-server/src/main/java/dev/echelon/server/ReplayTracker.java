package dev.echelon.server;

import dev.echelon.core.Chunk;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chunk rules of PROTOCOL.md §2 for the replays in progress: start on first sight, duplicates
 * recognised, totals that must agree, end once every index has arrived. Holds a bounded number of
 * recent replays (indices only, never frames), so memory does not grow with what is pushed.
 * Not thread-safe: the push path calls it under one lock.
 */
final class ReplayTracker {
  static final int MAX_TRACKED = 4096;

  enum Outcome { ACCEPTED, DUPLICATE }

  /** What accepting a chunk did. */
  record Result(Outcome outcome, boolean started, boolean ended, Integer total, boolean complete) {}

  private static final class State {
    final String worldRef;
    Integer total;
    final BitSet received = new BitSet();
    int highest = -1;
    boolean ended;

    State(String worldRef) {
      this.worldRef = worldRef;
    }
  }

  private final java.util.function.Function<String, ArchivedReplay> recall;

  /** @param recall what the archive knows of a replay this tracker has not seen (after a restart) */
  ReplayTracker(java.util.function.Function<String, ArchivedReplay> recall) {
    this.recall = recall;
  }

  private State recalled(String id) {
    ArchivedReplay a = recall.apply(id);
    if (a == null) return null;
    State s = new State(a.worldRef);
    s.total = a.total;
    s.received.or(a.received);
    s.highest = a.received.length() - 1;
    s.ended = a.complete;
    replays.put(id, s);
    return s;
  }

  private final Map<String, State> replays = new LinkedHashMap<>(256, 0.75f, true) {
    @Override protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
      return size() > MAX_TRACKED;
    }
  };

  /** Applies the rules; throws 409 for a chunk that contradicts what came before. */
  Result accept(Chunk c) {
    State s = replays.get(c.replayId());
    if (s == null) s = recalled(c.replayId());
    boolean started = false;
    if (s == null) {
      s = new State(c.worldRef());
      started = true;
    } else if (!s.worldRef.equals(c.worldRef())) {
      throw new ApiException(409, "replay " + c.replayId() + " uses world " + s.worldRef
          + ", but this chunk says world_ref " + c.worldRef());
    }
    Integer total = c.knownTotal();
    if (total != null && s.total != null && !total.equals(s.total)) {
      throw new ApiException(409, "chunk_count conflict for replay " + c.replayId() + ": an earlier chunk fixed it at "
          + s.total + ", this chunk says " + total);
    }
    Integer effective = s.total != null ? s.total : total;
    if (effective != null && c.chunkIndex() >= effective) {
      throw new ApiException(409, "chunk_index " + c.chunkIndex() + " is beyond the replay's chunk_count "
          + effective + " for replay " + c.replayId());
    }
    if (effective != null && s.highest >= effective) {
      throw new ApiException(409, "chunk_count " + effective + " for replay " + c.replayId()
          + " is smaller than chunk_index " + s.highest + " already received");
    }
    if (s.received.get(c.chunkIndex())) return new Result(Outcome.DUPLICATE, false, false, s.total, s.ended);
    if (started) replays.put(c.replayId(), s);
    s.total = effective;
    s.received.set(c.chunkIndex());
    s.highest = Math.max(s.highest, c.chunkIndex());
    boolean ended = false;
    if (!s.ended && s.total != null && s.received.cardinality() == s.total) {
      s.ended = true;
      ended = true;
    }
    return new Result(Outcome.ACCEPTED, started, ended, s.total, s.ended);
  }

  int size() {
    return replays.size();
  }
}
