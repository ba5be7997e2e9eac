package dev.echelon.server.check;

import java.util.List;
import java.util.Map;

/**
 * The server under test and the faults it can be given. A fault that restarts the server opens a
 * new generation; connections of the old one may end, and answers in flight may be lost.
 */
interface Target extends AutoCloseable {
  /** A URL of the running server. */
  String url(String path);

  /** The server incarnation now (1 for the first). */
  int generation();

  /** The server's clock, in milliseconds. */
  long clockMillis();

  void advanceClock(long millis);

  /** SIGTERM, then start again on what it left; throws when it will not start. */
  void restart();

  /** {@code kill -9}, then start again. */
  void crash();

  /** Power cut (only what was forced survives, or some more, torn), then start again. */
  void powerCut(boolean strict);

  /** Arms a power cut inside a later file operation; the server is started again right after it. */
  void cutAfter(int ops, boolean strict);

  /**
   * Starts another server on the same runs directory. Returns the message it refused with, or
   * null when it started (a bug: the runner then uses it a little, and {@link #stopSecond} stops it).
   */
  String startSecond();

  /** The second server's URL while it runs. */
  String secondUrl(String path);

  void stopSecond();

  void diskFull(boolean full);

  void eio(boolean writes, int oneIn);

  /** Damages one stored record of the replay on the medium; returns its chunk index, or -1 when none. */
  int corruptRecord(String replay, long salt);

  /** Truncates a stored world file; false when it is not stored. */
  boolean corruptWorld(String hash);

  /** What the runs directory holds that nothing should, given the replays listed (after a clean restart). */
  List<String> leftovers(java.util.Set<String> listed);

  /**
   * The archive as a server started on a copy of the files, with and without the replays' index
   * files, lists it: recovery must not depend on whether an unforced index reached the disk. Null
   * when the target cannot copy its disk.
   */
  Map<String, String> recoveredWithoutIndexes();

  Map<String, String> recoveredWithIndexes();

  /** nats-server killed and started again (on an empty store with {@code wipe}); JetStream targets only. */
  default void natsRestart(boolean wipe) {
    throw new UnsupportedOperationException("not a NATS target");
  }

  /** The JetStream stream removed under the servers; JetStream targets only. */
  default void removeStream() {
    throw new UnsupportedOperationException("not a NATS target");
  }

  /** Whether several servers append to one log, so a restart of one orders no ids. */
  default boolean sharedLog() {
    return false;
  }

  /** Whether retention spares recently pushed replays (I5); a JetStream stream evicts by bytes alone. */
  default boolean sparesRecentReplays() {
    return true;
  }

  /**
   * Event ids at or below which acknowledged data may be gone without a fault of the server's: what
   * the stream's own limits evicted, and what NATS lost with its store. 0 for the file log.
   */
  default long lossFloor() {
    return 0;
  }

  @Override void close();
}
