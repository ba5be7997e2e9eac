package dev.echelon.server.log;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most recent chunk payloads, both forms, as the push made them: viewers at the head of the
 * log write from here and never touch the disk. Bounded in bytes; the oldest go first, and a
 * viewer that falls behind them reads the log instead.
 */
final class TailCache {
  private record Cached(Payload payload, long weight) {}

  private final long maxBytes;
  private final ConcurrentSkipListMap<Long, Cached> entries = new ConcurrentSkipListMap<>();
  private final AtomicLong bytes = new AtomicLong();

  TailCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  void put(long eventId, Payload payload) {
    long w = payload.retainedBytes();
    if (w > maxBytes / 4) return; // one huge chunk must not flush everything else
    if (entries.put(eventId, new Cached(payload, w)) == null) bytes.addAndGet(w);
    while (bytes.get() > maxBytes) {
      Map.Entry<Long, Cached> oldest = entries.pollFirstEntry();
      if (oldest == null) break;
      bytes.addAndGet(-oldest.getValue().weight());
    }
  }

  Payload get(long eventId) {
    Cached c = entries.get(eventId);
    return c == null ? null : c.payload();
  }

  void remove(long eventId) {
    Cached c = entries.remove(eventId);
    if (c != null) bytes.addAndGet(-c.weight());
  }

  long bytes() {
    return bytes.get();
  }
}
