package dev.echelon.server.jetstream;

import dev.echelon.server.log.ReplaySummary;
import java.util.TreeMap;

/** What a server knows of one replay from the stream's headers; guarded by its {@link StreamIndex}. */
final class ReplayEntry {
  final String id;
  String subject;
  String worldRef;
  Integer total;
  int highest = -1;
  /** chunk index → stream sequence of its message (the first one stored) */
  final TreeMap<Integer, Long> chunks = new TreeMap<>();
  long frames;
  long bytes;
  long diskBytes;
  byte[] meta;
  byte[] run;
  String runName;
  ReplaySummary.Training training = ReplaySummary.Training.NONE;
  long startedAtMillis;
  long updatedAtMillis;
  long firstEventId;
  long lastEventId;
  long endEventId;

  ReplayEntry(String id) {
    this.id = id;
  }

  boolean complete() {
    return total != null && chunks.size() >= total;
  }

  ReplaySummary summary() {
    return new ReplaySummary(id, worldRef, total, chunks.size(), frames, bytes, complete(), meta, run, runName,
        startedAtMillis / 1000.0, updatedAtMillis / 1000.0, firstEventId, lastEventId, diskBytes, training);
  }

  /** A copy for an appender to decide on without holding the index's lock. */
  ReplayEntry copy() {
    ReplayEntry c = new ReplayEntry(id);
    c.subject = subject;
    c.worldRef = worldRef;
    c.total = total;
    c.highest = highest;
    c.chunks.putAll(chunks);
    c.lastEventId = lastEventId;
    c.endEventId = endEventId;
    c.runName = runName;
    c.training = training;
    c.firstEventId = firstEventId;
    return c;
  }
}
