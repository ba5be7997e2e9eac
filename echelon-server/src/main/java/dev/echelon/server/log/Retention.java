package dev.echelon.server.log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the archive within its budgets, on its own thread so no push waits for deletions. The
 * oldest replays go first, never one a trainer is still pushing; but incomplete replays may hold
 * at most half the replay budget, so a flood of abandoned or hostile one-chunk replays removes its
 * own oldest members instead of every complete replay.
 */
final class Retention implements AutoCloseable {
  private static final long PERIOD_S = 30;

  private final FileReplayLog log;
  private final long maxBytes;
  private final int maxReplays;
  private final AtomicBoolean requested = new AtomicBoolean();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "echelon-retention");
    t.setDaemon(true);
    return t;
  });

  Retention(FileReplayLog log, long maxBytes, int maxReplays) {
    this.log = log;
    this.maxBytes = maxBytes;
    this.maxReplays = maxReplays;
  }

  void start() {
    thread.scheduleWithFixedDelay(this::enforce, 0, PERIOD_S, TimeUnit.SECONDS);
  }

  /** Asks for a pass soon (a replay started); several requests before it runs make one pass. */
  void request() {
    if (requested.compareAndSet(false, true)) {
      try {
        thread.execute(() -> {
          requested.set(false);
          enforce();
        });
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // shutting down
      }
    }
  }

  void enforce() {
    try {
      List<ReplaySummary> oldest = new ArrayList<>(log.snapshot().all());
      oldest.sort(Comparator.comparingDouble(ReplaySummary::startedAt).thenComparing(ReplaySummary::replayId));
      int count = oldest.size();
      long bytes = oldest.stream().mapToLong(ReplaySummary::diskBytes).sum();
      long incomplete = oldest.stream().filter(r -> !r.complete()).count();
      int incompleteCap = Math.max(1, maxReplays / 2);
      double now = log.clock.millis() / 1000.0;
      List<ReplaySummary> kept = new ArrayList<>();
      for (ReplaySummary r : oldest) {
        if (incomplete > incompleteCap && !r.complete()) {
          log.delete(r.replayId(), "more than " + incompleteCap + " incomplete replays (half of ECHELON_RETAIN_MAX_REPLAYS)");
          incomplete--;
          count--;
          bytes -= r.diskBytes();
        } else {
          kept.add(r);
        }
      }
      for (ReplaySummary r : kept) {
        if (count <= maxReplays && bytes <= maxBytes) break;
        if (r.receiving(now)) continue;
        log.delete(r.replayId(), "archive over ECHELON_RETAIN_MAX_REPLAYS=" + maxReplays
            + " or ECHELON_RETAIN_MAX_BYTES=" + maxBytes);
        count--;
        bytes -= r.diskBytes();
      }
      log.retainWorlds();
    } catch (RuntimeException e) {
      FileReplayLog.report("retention pass failed: " + e);
    }
  }

  /** Stops, waiting briefly for a pass under way so that no deletion outlives the log's lock. */
  @Override public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
