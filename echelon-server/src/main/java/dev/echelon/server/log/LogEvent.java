package dev.echelon.server.log;

/**
 * One event as a reader hands it to a viewer. Every event has an id from the log's one sequence,
 * catch-up and live alike, so a viewer can resume after any of them.
 *
 * @param id the event id
 * @param kind what happened
 * @param replay the replay's summary (for START: world, meta, run; for all: id and run name)
 * @param chunkIndex the chunk, for CHUNK
 * @param payload the {@code replay_chunk} payload, for CHUNK
 * @param reason why, for RESYNC
 */
public record LogEvent(long id, Kind kind, ReplaySummary replay, int chunkIndex, Payload payload, String reason) {
  /** The events of PROTOCOL.md §3. */
  public enum Kind { START, CHUNK, END, RESYNC }

  /** The replay a RESYNC points the viewer at, or null. */
  public String latestReplayId() {
    return replay == null ? null : replay.replayId();
  }
}
