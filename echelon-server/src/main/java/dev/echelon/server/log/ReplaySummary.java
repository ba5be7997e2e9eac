package dev.echelon.server.log;

/**
 * One replay as the listings show it: an immutable value, replaced whenever a chunk arrives, so
 * {@code /replays} and {@code /runs} read it without any lock.
 *
 * @param replayId the replay
 * @param worldRef its world
 * @param chunkCount its total, or null while unknown
 * @param chunksReceived chunks stored
 * @param frames frames stored
 * @param bytes bytes of stored {@code replay_chunk} payloads
 * @param complete every chunk stored
 * @param meta compact JSON of the replay's meta, or null
 * @param run compact JSON of its training run, or null
 * @param runName the run's name, or null
 * @param startedAt seconds since the epoch when the first chunk arrived
 * @param updatedAt seconds since the epoch when the last chunk arrived
 * @param firstEventId the replay's first event id
 * @param lastEventId its last event id so far
 * @param diskBytes bytes its files take
 * @param training what its run object says of training progress, read once
 * @param outcome how its match went, folded from its chunks' tallies
 */
public record ReplaySummary(
    String replayId,
    String worldRef,
    Integer chunkCount,
    int chunksReceived,
    long frames,
    long bytes,
    boolean complete,
    byte[] meta,
    byte[] run,
    String runName,
    double startedAt,
    double updatedAt,
    long firstEventId,
    long lastEventId,
    long diskBytes,
    Training training,
    Outcome outcome) {
  /**
   * Where in training a replay was played, from its run object's {@code update}, {@code
   * global_step} and {@code eval}: what searches filter and progress plots place it by.
   *
   * @param update the PPO update, or null
   * @param globalStep environment steps so far, or null
   * @param eval the compact JSON of {@code run.eval}, or null
   */
  public record Training(Long update, Long globalStep, String eval) {
    public static final Training NONE = new Training(null, null, null);

    /** Reads a run object's training fields; anything absent or not a whole number is null. */
    public static Training of(byte[] runJson) {
      if (runJson == null) return NONE;
      try {
        var run = dev.echelon.core.Json.mapper().readTree(runJson);
        var eval = run.get("eval");
        return new Training(whole(run.get("update")), whole(run.get("global_step")),
            eval == null || eval.isNull() ? null : eval.toString());
      } catch (java.io.IOException e) {
        return NONE;
      }
    }

    private static Long whole(com.fasterxml.jackson.databind.JsonNode n) {
      return n != null && n.canConvertToLong() && n.isIntegralNumber() ? n.asLong() : null;
    }
  }

  /** An incomplete replay that received a chunk this recently is still being pushed. */
  public static final double RECEIVING_S = 300;

  /** The training run's name in a run object: {@code run.name}, else {@code run.run_dir}, else null. */
  public static String runName(byte[] runJson) {
    if (runJson == null) return null;
    try {
      var run = dev.echelon.core.Json.mapper().readTree(runJson);
      if (run.path("name").isTextual()) return run.get("name").asText();
      if (run.path("run_dir").isTextual()) return run.get("run_dir").asText();
      return null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** True while a trainer is still pushing it (incomplete and recently updated). */
  public boolean receiving(double nowSeconds) {
    return !complete && nowSeconds - updatedAt < RECEIVING_S;
  }
}
