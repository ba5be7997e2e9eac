package dev.echelon.server.log;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every retained event by id, for readers to step through: a concurrent skip list, so readers
 * never lock and appends to different replays never wait for each other here.
 */
final class EventIndex {
  private final ConcurrentSkipListMap<Long, LogEntry> entries = new ConcurrentSkipListMap<>();

  void add(LogEntry e) {
    entries.put(e.id(), e);
  }

  void remove(long id) {
    entries.remove(id);
  }

  int size() {
    return entries.size();
  }

  /** The first entry in {@code (after, limit]} that the filter covers and that started at or after {@code startFloor}. */
  LogEntry next(long after, long limit, Subscription filter, long startFloor) {
    if (limit <= after) return null;
    for (Map.Entry<Long, LogEntry> me : entries.subMap(after, false, limit, true).entrySet()) {
      LogEntry e = me.getValue();
      ReplaySummary r = e.replay().summary; // published before the entry was committed
      if (r == null || r.firstEventId() < startFloor) continue;
      if (!filter.matches(r.replayId(), r.runName())) continue;
      return e;
    }
    return null;
  }
}
