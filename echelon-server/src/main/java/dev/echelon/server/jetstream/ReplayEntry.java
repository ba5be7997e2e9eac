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
  /** How its match went, from the tallies in its chunk messages' headers (an evicted start drops the whole replay). */
  dev.echelon.server.log.Outcome outcome = dev.echelon.server.log.Outcome.NONE;
  /** Chunk indexes whose tallies are in {@link #outcome}. */
  final java.util.BitSet folded = new java.util.BitSet();

  ReplayEntry(String id) {
    this.id = id;
  }

  boolean complete() {
    return total != null && chunks.size() >= total;
  }

  ReplaySummary summary() {
    return new ReplaySummary(id, worldRef, total, chunks.size(), frames, bytes, complete(), meta, run, runName,
        startedAtMillis / 1000.0, updatedAtMillis / 1000.0, firstEventId, lastEventId, diskBytes, training, outcome);
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
