package dev.echelon.server.log;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every retained replay's summary, by id and newest first: what listings, run pickers and late
 * joiners read. Summaries are immutable values replaced whole; an update costs O(log n) and never
 * copies the catalog, and readers take no lock (they see each replay as of one moment, and the
 * catalog as it changes). A backend updates it under the replay's own ordering.
 */
public final class ReplayCatalog {
  /** Newest first by {@code (started_at, replay_id)}: also the paging cursor of {@code GET /replays}. */
  private record Key(double startedAt, String replayId) {}

  private static final Comparator<Key> NEWEST_FIRST = Comparator.comparingDouble(Key::startedAt).reversed()
      .thenComparing(Key::replayId, Comparator.reverseOrder());

  private final ConcurrentHashMap<String, ReplaySummary> byId = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Key, ReplaySummary> ordered = new ConcurrentSkipListMap<>(NEWEST_FIRST);

  private static Key key(ReplaySummary s) {
    return new Key(s.startedAt(), s.replayId());
  }

  /** Adds or replaces a replay's summary (for log backends). */
  public void put(ReplaySummary s) {
    ReplaySummary old = byId.put(s.replayId(), s);
    if (old != null && old.startedAt() != s.startedAt()) ordered.remove(key(old));
    ordered.put(key(s), s);
  }

  /** Removes a replay (for log backends). */
  public void remove(String replayId) {
    ReplaySummary old = byId.remove(replayId);
    if (old != null) ordered.remove(key(old));
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

  /**
   * Newest first, after the paging cursor: replays that started before {@code before}, or at it
   * with an id below {@code beforeId}. A null {@code before} starts at the newest.
   */
  public Iterable<ReplaySummary> newestFirst(Double before, String beforeId) {
    if (before == null) return ordered.values();
    return ordered.tailMap(new Key(before, beforeId == null ? "" : beforeId), false).values();
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
}
