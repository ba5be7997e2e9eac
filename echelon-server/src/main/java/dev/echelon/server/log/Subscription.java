package dev.echelon.server.log;

/**
 * What a viewer asked to watch: everything, one training run ({@code ?run=NAME}) or one replay
 * ({@code ?replay=ID}). A reader skips events of other replays without reading them.
 *
 * @param run the run name, or null
 * @param replayId the replay id, or null
 */
public record Subscription(String run, String replayId) {
  public static final Subscription ALL = new Subscription(null, null);

  public boolean matches(String eventReplay, String eventRun) {
    if (replayId != null && !replayId.equals(eventReplay)) return false;
    return run == null || run.equals(eventRun);
  }
}
