package dev.echelon.server.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One replay in the file log: its files and what its records add up to. Appends to it are ordered
 * by its lock; readers use the immutable {@link #summary} and the concurrent chunk map instead.
 */
final class ReplayState {
  final String id;
  final ReentrantLock lock = new ReentrantLock();
  /** The latest intact-at-append record of each chunk index. */
  final ConcurrentHashMap<Integer, RecordRef> chunks = new ConcurrentHashMap<>();
  ReplayLogFile file;
  String worldRef;
  Integer total;
  int highest = -1;
  long frames;
  long bytes;
  byte[] meta;
  byte[] run;
  String runName;
  ReplaySummary.Training training = ReplaySummary.Training.NONE;
  long startedAtMillis;
  long updatedAtMillis;
  long firstEventId;
  long lastEventId;
  long startEventId;
  long endEventId;
  boolean deleted;
  /** How its match went, from the tallies of the chunks in {@link #chunks}. */
  Outcome outcome = Outcome.NONE;
  /** Chunks {@link #outcome} folds: fewer than {@link #chunks} holds while a tally could not be read. */
  int outcomeChunks;
  volatile ReplaySummary summary;

  ReplayState(String id) {
    this.id = id;
  }

  boolean complete() {
    return total != null && chunks.size() >= total;
  }

  /** Folds a stored record in; returns the record of the same chunk it supersedes, or null. */
  RecordRef apply(RecordRef ref) {
    ChunkRecord r = ref.record();
    if (worldRef == null) worldRef = r.worldRef();
    if (firstEventId == 0) {
      firstEventId = r.firstEventId();
      startedAtMillis = r.appendedAtMillis();
    }
    lastEventId = Math.max(lastEventId, r.lastEventId());
    if (r.started()) startEventId = r.firstEventId();
    if (r.ended()) endEventId = r.lastEventId();
    if (r.chunkCount() >= 0) total = r.chunkCount();
    else if (r.last()) total = r.chunkIndex() + 1;
    RecordRef old = chunks.put(r.chunkIndex(), ref);
    if (old != null) {
      frames -= old.record().frameCount();
      bytes -= old.record().plainLength();
    }
    frames += r.frameCount();
    bytes += r.plainLength();
    highest = Math.max(highest, r.chunkIndex());
    if (r.meta() != null) meta = r.meta();
    if (r.run() != null) {
      run = r.run();
      runName = ReplaySummary.runName(run);
      training = ReplaySummary.Training.of(run);
    }
    updatedAtMillis = Math.max(updatedAtMillis, r.appendedAtMillis());
    return old;
  }

  /** An outcome and how many chunks' tallies it folds. */
  record Folded(Outcome outcome, int chunks) {}

  /** Folds the outcome again from the tallies on disk: after a chunk was replaced or taken out. */
  void refold() {
    take(refolded(-1, null));
  }

  void take(Folded f) {
    outcome = f.outcome();
    outcomeChunks = f.chunks();
  }

  /**
   * The outcome with chunk {@code index} (not yet held) folded in: added to the current one when
   * that folds every chunk, else folded again from disk (a tally that could not be read is tried
   * again at each chunk until it is).
   */
  Folded plus(int index, ChunkTally tally) {
    if (outcomeChunks == chunks.size()) return new Folded(outcome.plus(index, tally), outcomeChunks + 1);
    return refolded(index, tally);
  }

  /** The outcome of the chunks held now, read from their tallies on disk, with chunk {@code index}'s replaced by {@code tally}. */
  Folded refolded(int index, ChunkTally tally) {
    java.util.Map<Integer, ChunkTally> tallies = new java.util.HashMap<>();
    for (var e : chunks.entrySet()) {
      if (e.getKey() == index) continue;
      ChunkTally t = file == null ? null : file.tally(e.getValue());
      if (t != null) tallies.put(e.getKey(), t);
    }
    if (tally != null) tallies.put(index, tally);
    return new Folded(Outcome.of(tallies), tallies.size());
  }

  ReplaySummary summarize() {
    ReplaySummary s = new ReplaySummary(id, worldRef, total, chunks.size(), frames, bytes, complete(), meta, run,
        runName, startedAtMillis / 1000.0, updatedAtMillis / 1000.0, firstEventId, lastEventId,
        file == null ? 0 : file.size(), training, outcome);
    summary = s;
    return s;
  }
}
