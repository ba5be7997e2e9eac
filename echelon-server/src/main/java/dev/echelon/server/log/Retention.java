package dev.echelon.server.log;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the archive within its budgets, on its own thread so no push waits for deletions. The
 * oldest replays go first, but never one that received a chunk within the spare time
 * (ECHELON_SSE_STALL_S; an incomplete one within {@link ReplaySummary#RECEIVING_S}): its trainer
 * or its viewers are still at it. Incomplete replays may hold at most half the replay budget, so
 * a flood of abandoned one-chunk replays removes its own oldest members instead of the complete
 * ones. Removals go in batches: one durable write of their tombstones per batch, then their
 * folders are renamed into the trash (a crash there is finished by recovery, the tombstones say
 * what to remove) and emptied once at the end.
 */
final class Retention implements AutoCloseable {
  private static final Logger LOG = System.getLogger(Retention.class.getName());
  private static final long PERIOD_S = 30;
  private static final int BATCH = 1024;

  private final FileReplayLog log;
  private final long maxBytes;
  private final int maxReplays;
  private final long spareMillis;
  private final AtomicBoolean requested = new AtomicBoolean();
  /** When the follow-up pass is due (the log's clock), or 0; touched by the retention thread only. */
  private long followUpAt;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "echelon-retention");
    t.setDaemon(true);
    return t;
  });

  Retention(FileReplayLog log, FileReplayLog.Options options) {
    this.log = log;
    this.maxBytes = options.retainMaxBytes();
    this.maxReplays = options.retainMaxReplays();
    this.spareMillis = options.spare().toMillis();
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

  /** Milliseconds until the replay may be removed; 0 when it may be now. */
  private long spared(ReplaySummary r, long now) {
    long window = r.complete() ? spareMillis : (long) (ReplaySummary.RECEIVING_S * 1000);
    return Math.max(0, (long) (r.updatedAt() * 1000) + window - now);
  }

  void enforce() {
    try {
      long now = log.clock.millis();
      List<ReplaySummary> oldest = new ArrayList<>(log.catalog.all());
      oldest.sort(Comparator.comparingDouble(ReplaySummary::startedAt).thenComparing(ReplaySummary::replayId));
      int count = oldest.size();
      long bytes = oldest.stream().mapToLong(ReplaySummary::diskBytes).sum();
      long incomplete = oldest.stream().filter(r -> !r.complete()).count();
      int incompleteCap = Math.max(1, maxReplays / 2);
      long wait = Long.MAX_VALUE;
      List<String> flood = new ArrayList<>();
      List<ReplaySummary> kept = new ArrayList<>();
      for (ReplaySummary r : oldest) {
        long left = spared(r, now);
        if (incomplete > incompleteCap && !r.complete() && left == 0) {
          flood.add(r.replayId());
          incomplete--;
          count--;
          bytes -= r.diskBytes();
        } else {
          if (incomplete > incompleteCap && !r.complete()) wait = Math.min(wait, left);
          kept.add(r);
        }
      }
      List<String> over = new ArrayList<>();
      for (ReplaySummary r : kept) {
        if (count <= maxReplays && bytes <= maxBytes) break;
        long left = spared(r, now);
        if (left > 0) {
          wait = Math.min(wait, left);
          continue;
        }
        over.add(r.replayId());
        count--;
        bytes -= r.diskBytes();
      }
      remove(flood, "more than " + incompleteCap + " incomplete replays (half of ECHELON_RETAIN_MAX_REPLAYS)");
      remove(over, "archive over ECHELON_RETAIN_MAX_REPLAYS=" + maxReplays + " or ECHELON_RETAIN_MAX_BYTES=" + maxBytes);
      if (wait != Long.MAX_VALUE) followUp(now + wait + 50);
      log.retainWorlds();
    } catch (RuntimeException e) {
      FileReplayLog.report("retention pass failed: " + e);
    }
  }

  /** One pass is scheduled for when the next spared replay may go, however many passes asked for it. */
  private void followUp(long at) {
    if (followUpAt > log.clock.millis() && followUpAt <= at) return;
    followUpAt = at;
    thread.schedule(() -> {
      followUpAt = 0;
      enforce();
    }, Math.max(0, at - log.clock.millis()), TimeUnit.MILLISECONDS);
  }

  void remove(List<String> ids, String why) {
    int removed = 0;
    for (int from = 0; from < ids.size(); from += BATCH) {
      removed += removeBatch(ids.subList(from, Math.min(ids.size(), from + BATCH)), why);
    }
    try {
      log.trash.settle(); // the listings are right already; the files go now, all at once
    } catch (IOException e) {
      FileReplayLog.report("cannot force the replays folder after removals (" + e.getMessage() + "); the next start"
          + " finishes them");
    }
    if (removed > 0) {
      LOG.log(Level.INFO, "replay log: removed " + removed + " replays (" + why + ")"
          + (ids.size() <= 8 ? ": " + String.join(", ", ids) : ""));
    }
  }

  /**
   * Removes replays, each checked again under its lock with its state as it is now: their
   * tombstones first, durably (nothing goes when that fails, so ids and resyncs stay right across a
   * restart), then their folders into the trash, made durable with one force, then their files.
   */
  private int removeBatch(List<String> ids, String why) {
    List<ReplayState> locked = new ArrayList<>();
    long now = log.clock.millis();
    try {
      for (String id : ids) {
        ReplayState s = log.replays.get(id);
        if (s == null) continue;
        s.lock.lock();
        if (s.deleted || s.file == null || s.summary == null || spared(s.summary, now) > 0) {
          s.lock.unlock(); // a chunk arrived since the pass looked
          continue;
        }
        locked.add(s);
      }
      if (locked.isEmpty()) return 0;
      List<Tombstones.Tombstone> tombstones = new ArrayList<>(locked.size());
      for (ReplayState s : locked) tombstones.add(new Tombstones.Tombstone(s.id, s.runName, s.firstEventId, s.lastEventId));
      try {
        log.state.remove(tombstones);
      } catch (IOException e) {
        FileReplayLog.report("cannot record the removal of " + locked.size() + " replays (" + e.getMessage()
            + "); they are kept (" + why + ")");
        return 0;
      }
      for (ReplayState s : locked) {
        s.deleted = true;
        log.forget(s);
        log.catalog.remove(s.id);
        log.replays.remove(s.id, s);
        try {
          log.trash.put(s.file.dir, s.id + "-" + s.firstEventId);
        } catch (IOException e) {
          FileReplayLog.report("replay " + s.id + " is removed but its folder cannot go yet (" + e.getMessage()
              + "); the next start removes it");
        }
      }
    } finally {
      for (ReplayState s : locked) s.lock.unlock();
    }
    return locked.size();
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
