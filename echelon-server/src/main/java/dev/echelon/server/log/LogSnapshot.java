package dev.echelon.server.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replays the log holds at one moment: an immutable value, so listings and new readers never
 * wait on an append. Ordered newest first by {@code (started_at, replay_id)}, which is also the
 * paging cursor of {@code GET /replays}.
 */
public final class LogSnapshot {
  /** Newest first; ties broken by replay id, descending. */
  public static final Comparator<ReplaySummary> NEWEST_FIRST = Comparator
      .comparingDouble(ReplaySummary::startedAt).reversed()
      .thenComparing(ReplaySummary::replayId, Comparator.reverseOrder());

  private final Map<String, ReplaySummary> byId;
  private volatile List<ReplaySummary> ordered;

  public LogSnapshot(Map<String, ReplaySummary> byId) {
    this.byId = Map.copyOf(byId);
  }

  private LogSnapshot(java.util.HashMap<String, ReplaySummary> owned) {
    this.byId = java.util.Collections.unmodifiableMap(owned);
  }

  public Optional<ReplaySummary> find(String replayId) {
    return Optional.ofNullable(byId.get(replayId));
  }

  public int size() {
    return byId.size();
  }

  public Collection<ReplaySummary> all() {
    return byId.values();
  }

  /** Every replay, newest first. */
  public List<ReplaySummary> newestFirst() {
    List<ReplaySummary> o = ordered;
    if (o == null) {
      List<ReplaySummary> l = new ArrayList<>(byId.values());
      l.sort(NEWEST_FIRST);
      ordered = o = List.copyOf(l);
    }
    return o;
  }

  /** The replay a subscription covers that was active most recently. */
  public Optional<ReplaySummary> latest(Subscription filter) {
    ReplaySummary best = null;
    for (ReplaySummary r : byId.values()) {
      if (!filter.matches(r.replayId(), r.runName())) continue;
      if (best == null || r.updatedAt() > best.updatedAt()
          || r.updatedAt() == best.updatedAt() && r.lastEventId() > best.lastEventId()) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Where a viewer without a {@code Last-Event-ID} joins: just before the latest replay its
   * subscription covers, or at {@code head} when there is none. Events of replays that started
   * before the position + 1 are not for it.
   */
  public long joinPosition(Subscription filter, long head) {
    return latest(filter).map(r -> r.firstEventId() - 1).orElse(head);
  }

  /** A copy with one replay added, replaced or (with null) removed. */
  LogSnapshot with(String replayId, ReplaySummary summary) {
    var m = new java.util.HashMap<>(byId);
    if (summary == null) m.remove(replayId);
    else m.put(replayId, summary);
    return new LogSnapshot(m);
  }

  static final LogSnapshot EMPTY = new LogSnapshot(Map.of());
}
