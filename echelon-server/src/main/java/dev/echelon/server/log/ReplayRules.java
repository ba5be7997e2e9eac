package dev.echelon.server.log;

import dev.echelon.server.base.ApiException;

/** The chunk rules of PROTOCOL.md §2 that a chunk must meet against what its replay already holds. */
public final class ReplayRules {
  private ReplayRules() {}

  /** Throws 409 for a chunk that contradicts its replay. */
  static void check(ReplayState s, PushedChunk c) {
    check(s.worldRef, s.total, s.highest, c);
  }

  /**
   * Throws 409 for a chunk that contradicts a replay with this world, total (null while unknown)
   * and highest chunk index received (-1 for none): the same rules for every log backend.
   */
  public static void check(String worldRef, Integer knownTotal, int highest, PushedChunk c) {
    if (!worldRef.equals(c.worldRef())) {
      throw ApiException.conflict("replay " + c.replayId() + " uses world " + worldRef
          + ", but this chunk says world_ref " + c.worldRef());
    }
    Integer total = c.knownTotal();
    if (total != null && knownTotal != null && !total.equals(knownTotal)) {
      throw ApiException.conflict("chunk_count conflict for replay " + c.replayId() + ": an earlier chunk fixed it at "
          + knownTotal + ", this chunk says " + total);
    }
    Integer effective = knownTotal != null ? knownTotal : total;
    if (effective != null && c.chunkIndex() >= effective) {
      throw ApiException.conflict("chunk_index " + c.chunkIndex() + " is beyond the replay's chunk_count "
          + effective + " for replay " + c.replayId());
    }
    if (effective != null && highest >= effective) {
      throw ApiException.conflict("chunk_count " + effective + " for replay " + c.replayId()
          + " is smaller than chunk_index " + highest + " already received");
    }
  }
}
