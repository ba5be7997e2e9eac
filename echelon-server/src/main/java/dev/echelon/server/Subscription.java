package dev.echelon.server;

/**
 * What a viewer asked to watch: everything, one training run ({@code ?run=NAME}) or one replay
 * ({@code ?replay=ID}). Events of other replays are never queued for it.
 *
 * @param run the run name, or null
 * @param replayId the replay id, or null
 */
record Subscription(String run, String replayId) {
  static final Subscription ALL = new Subscription(null, null);

  boolean matches(String eventReplay, String eventRun) {
    if (replayId != null && !replayId.equals(eventReplay)) return false;
    return run == null || run.equals(eventRun);
  }

  boolean all() {
    return run == null && replayId == null;
  }
}
