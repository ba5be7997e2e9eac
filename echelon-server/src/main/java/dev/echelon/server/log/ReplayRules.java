package dev.echelon.server.log;

import dev.echelon.server.base.ApiException;

/** The chunk rules of PROTOCOL.md §2 that a chunk must meet against what its replay already holds. */
final class ReplayRules {
  private ReplayRules() {}

  /** Throws 409 for a chunk that contradicts its replay. */
  static void check(ReplayState s, PushedChunk c) {
    if (!s.worldRef.equals(c.worldRef())) {
      throw ApiException.conflict("replay " + c.replayId() + " uses world " + s.worldRef
          + ", but this chunk says world_ref " + c.worldRef());
    }
    Integer total = c.knownTotal();
    if (total != null && s.total != null && !total.equals(s.total)) {
      throw ApiException.conflict("chunk_count conflict for replay " + c.replayId() + ": an earlier chunk fixed it at "
          + s.total + ", this chunk says " + total);
    }
    Integer effective = s.total != null ? s.total : total;
    if (effective != null && c.chunkIndex() >= effective) {
      throw ApiException.conflict("chunk_index " + c.chunkIndex() + " is beyond the replay's chunk_count "
          + effective + " for replay " + c.replayId());
    }
    if (effective != null && s.highest >= effective) {
      throw ApiException.conflict("chunk_count " + effective + " for replay " + c.replayId()
          + " is smaller than chunk_index " + s.highest + " already received");
    }
  }
}
