package dev.echelon.server.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded random history to run: the server's settings (budgets small enough to bite, a viewer
 * cap small enough to reach) and the steps. The same seed gives the same workload; the threads
 * that run it may interleave differently, which is the point.
 *
 * @param seed what made it
 * @param settings the server's settings for this history
 * @param steps in order
 */
record Workload(long seed, Settings settings, List<Step> steps) {
  /** Which faults a target can cause. */
  enum Faults { SIMULATED_DISK, PROCESS, NATS }

  /**
   * @param maxViewers ECHELON_SSE_MAX_CLIENTS
   * @param stallMillis ECHELON_SSE_STALL_S (also the window in which retention must spare a replay)
   * @param tailCacheBytes ECHELON_TAIL_CACHE_BYTES (0: every viewer reads chunks from disk)
   * @param retainReplays ECHELON_RETAIN_MAX_REPLAYS
   * @param retainBytes ECHELON_RETAIN_MAX_BYTES
   * @param fsync ECHELON_FSYNC
   */
  record Settings(int maxViewers, long stallMillis, long tailCacheBytes, int retainReplays, long retainBytes,
      boolean fsync) {
    @Override public String toString() {
      return "viewers<=" + maxViewers + " stall=" + stallMillis + "ms tail=" + tailCacheBytes + "B retain="
          + retainReplays + " replays/" + retainBytes + "B fsync=" + fsync;
    }
  }

  static final String[] RUNS = {"alpha", "beta", null};
  static final int WORLDS = 2;

  /** The run a replay is filed under (chunk 0 carries it). */
  static String runOf(String replay) {
    return RUNS[Math.floorMod(replay.hashCode(), RUNS.length)];
  }

  /** The world a replay is on. */
  static int worldOf(String replay) {
    return Math.floorMod(replay.hashCode() / 7, WORLDS);
  }

  static Workload random(long seed, Faults faults) {
    Random r = new Random(seed);
    Settings settings = new Settings(2 + r.nextInt(4), 1500 + r.nextInt(1500),
        new long[] {0, 16 << 10, 32L << 20}[r.nextInt(3)], r.nextInt(4) == 0 ? 500 : 3 + r.nextInt(8),
        r.nextInt(5) == 0 ? (128 << 10) + r.nextInt(1 << 20) : 2L << 30, true);
    List<List<Step>> queues = new ArrayList<>();
    int replays = 3 + r.nextInt(8);
    for (int k = 0; k < replays; k++) queues.add(replayPushes("r" + k, r));
    List<Step> steps = new ArrayList<>();
    List<Step.Push> pushed = new ArrayList<>();
    int viewers = 0;
    int extra = 0;
    for (int v = 0; v < 1 + r.nextInt(3); v++) steps.add(connect(viewers++, queues, r));
    while (queues.stream().anyMatch(q -> !q.isEmpty())) {
      int roll = r.nextInt(100);
      if (roll < 55) {
        List<Step> q = queues.get(r.nextInt(queues.size()));
        if (q.isEmpty()) continue;
        Step s = q.remove(0);
        steps.add(s);
        if (s instanceof Step.Push p) pushed.add(p);
      } else if (roll < 60 && !pushed.isEmpty()) {
        Step.Push p = pushed.get(r.nextInt(pushed.size()));
        steps.add(new Step.Again(p.replay(), p.index(), p.count(), p.last()));
      } else if (roll < 62 && !pushed.isEmpty()) {
        Step.Push p = pushed.get(r.nextInt(pushed.size()));
        if (p.count() != null) steps.add(new Step.Conflict(p.replay(), p.index(), p.count() + 1 + r.nextInt(3)));
      } else if (roll < 72) {
        steps.add(viewerStep(r, viewers, queues));
        if (steps.get(steps.size() - 1) instanceof Step.Connect) viewers++;
      } else if (roll < 76) {
        steps.add(new Step.Observe());
      } else if (roll < 80) {
        steps.add(new Step.Settle());
      } else if (roll < 82) {
        steps.add(new Step.Burst(viewers, settings.maxViewers()));
        viewers += 2 * settings.maxViewers();
      } else if (roll == 82 && faults == Faults.SIMULATED_DISK && viewers > 0 && settings.retainReplays() < 500) {
        removalsWhileAViewerIsAway(steps, r.nextInt(viewers), settings.retainReplays(), r, extra++);
      } else {
        Step f = fault(r, faults, replays);
        if (f != null) steps.add(f);
      }
    }
    steps.add(new Step.Eio(false, 0));
    steps.add(new Step.DiskFull(false));
    return new Workload(seed, settings, steps);
  }

  /**
   * A viewer goes away; replays it never saw arrive and are listed; newer ones arrive while
   * retention still spares those (they are younger than the stall window); then, with the clock
   * moved on and writes failing now and then, one more replay makes retention remove them; then the
   * viewer comes back, perhaps to a server that restarted meanwhile. A removal must be recorded
   * durably before anything goes, so the viewer is told (resync) of every replay it missed that went.
   */
  private static void removalsWhileAViewerIsAway(List<Step> steps, int viewer, int retain, Random r, int batch) {
    steps.add(new Step.DiskFull(false)); // room for the newer replays
    steps.add(new Step.Eio(false, 0));
    steps.add(new Step.Vanish(viewer));
    for (int k = 0; k < retain; k++) steps.add(new Step.Push("w" + batch + "x" + k, 0, 1, false, 2));
    steps.add(new Step.Settle());
    steps.add(new Step.Observe());
    for (int k = 0; k < 1 + r.nextInt(retain); k++) steps.add(new Step.Push("w" + batch + "y" + k, 0, 1, false, 2));
    // the removals happen now, in the pass the next replay asks for, while writes fail
    steps.add(new Step.Eio(true, 2 + r.nextInt(2)));
    steps.add(new Step.AdvanceClock(400 + r.nextInt(200)));
    for (int k = 0; k < 3; k++) steps.add(new Step.Push("w" + batch + "z" + k, 0, 1, false, 2));
    steps.add(new Step.Settle());
    steps.add(new Step.Eio(false, 0));
    steps.add(new Step.Observe());
    // the server may stop before the viewer is back: only what it made durable of the removals tells it then
    switch (r.nextInt(3)) {
      case 0 -> steps.add(new Step.Restart());
      case 1 -> steps.add(new Step.Crash());
      default -> { }
    }
    steps.add(new Step.Return(viewer));
  }

  private static List<Step> replayPushes(String id, Random r) {
    int chunks = 1 + r.nextInt(6);
    boolean live = r.nextInt(5) == 0;
    List<Step> out = new ArrayList<>();
    for (int i = 0; i < chunks; i++) out.add(new Step.Push(id, i, live ? null : chunks, live && i == chunks - 1, 2));
    if (r.nextInt(4) == 0) Collections.shuffle(out.subList(live ? 0 : 1, out.size()), r); // chunk 0 carries the run
    if (r.nextInt(7) == 0) return new ArrayList<>(out.subList(0, 1 + r.nextInt(chunks))); // abandoned
    return out;
  }

  private static Step connect(int viewer, List<List<Step>> queues, Random r) {
    int kind = r.nextInt(4);
    String run = kind == 1 ? RUNS[r.nextInt(2)] : null;
    String replay = null;
    if (kind == 2) {
      List<Step> q = queues.get(r.nextInt(queues.size()));
      if (!q.isEmpty() && q.get(0) instanceof Step.Push p) replay = p.replay();
    }
    return new Step.Connect(viewer, run, replay, r.nextBoolean());
  }

  private static Step viewerStep(Random r, int viewers, List<List<Step>> queues) {
    if (viewers == 0 || r.nextInt(4) == 0) return connect(viewers, queues, r);
    int v = r.nextInt(viewers);
    return switch (r.nextInt(5)) {
      case 0 -> new Step.Pause(v, true);
      case 1 -> new Step.Pause(v, false);
      case 2 -> new Step.Vanish(v);
      default -> new Step.Reconnect(v);
    };
  }

  private static Step fault(Random r, Faults faults, int replays) {
    String someReplay = "r" + r.nextInt(replays);
    if (faults == Faults.NATS) {
      return switch (r.nextInt(10)) {
        case 0, 1, 2 -> new Step.Restart();
        case 3, 4 -> new Step.NatsRestart(false);
        case 5 -> new Step.NatsRestart(true);
        case 6 -> new Step.StreamRemove();
        default -> null;
      };
    }
    if (faults == Faults.PROCESS) {
      return switch (r.nextInt(8)) {
        case 0, 1 -> new Step.Crash();
        case 2 -> new Step.Restart();
        case 3 -> new Step.SecondServer();
        case 4 -> new Step.CorruptRecord(someReplay, r.nextLong());
        case 5 -> new Step.CorruptWorld(r.nextInt(WORLDS));
        default -> new Step.DiskFull(r.nextBoolean());
      };
    }
    return switch (r.nextInt(16)) {
      case 0 -> new Step.Restart();
      case 1 -> new Step.Crash();
      case 2, 3 -> new Step.PowerCut(r.nextBoolean());
      case 4, 5 -> new Step.CutAfter(1 + r.nextInt(60), r.nextBoolean());
      case 6 -> new Step.SecondServer();
      case 7 -> new Step.DiskFull(true);
      case 8 -> new Step.DiskFull(false);
      case 9 -> new Step.Eio(r.nextBoolean(), 2 + r.nextInt(6));
      case 10 -> new Step.Eio(false, 0);
      case 11 -> new Step.CorruptRecord(someReplay, r.nextLong());
      case 12 -> new Step.CorruptWorld(r.nextInt(WORLDS));
      case 13, 14 -> new Step.AdvanceClock(r.nextBoolean() ? 5 + r.nextInt(20) : 400 + r.nextInt(600));
      default -> null;
    };
  }

  /** The same workload with other steps (for shrinking). */
  Workload withSteps(List<Step> other) {
    return new Workload(seed, settings, List.copyOf(other));
  }

  @Override public String toString() {
    StringBuilder b = new StringBuilder("seed " + seed + ": " + settings + "\n");
    for (int i = 0; i < steps.size(); i++) b.append(String.format("  %3d  %s%n", i + 1, steps.get(i)));
    return b.toString();
  }
}
