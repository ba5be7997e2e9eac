package dev.echelon.server.log;

/**
 * What a stored chunk says about itself: enough to rebuild a replay's index from its log file
 * alone after a crash. The payload (deflated {@code replay_chunk} JSON) follows it on disk.
 *
 * @param replayId the replay, checked against the directory it is found in
 * @param worldRef the world's hash
 * @param firstEventId the id of the record's first event; a record carries 1 to 3 events
 * @param chunkIndex the chunk's index
 * @param chunkCount the replay's total as this chunk stated it, or -1 when unknown (live)
 * @param last true on the chunk that ended a live stream
 * @param started true when this chunk started the replay (a {@code replay_start} event precedes it)
 * @param ended true when this chunk completed the replay (a {@code replay_end} event follows it)
 * @param frameCount frames in the chunk
 * @param plainLength bytes of the inflated payload
 * @param plainCrc CRC-32 of the inflated payload
 * @param appendedAtMillis when the chunk was stored
 * @param meta the replay's {@code meta} JSON carried by this chunk, or null
 * @param run the {@code run} JSON carried by this chunk, or null
 * @param tally the chunk's {@link ChunkTally#encode encoded} tally, or null (records before tallies, and
 *     records as the index file names them, which holds no tally)
 * @param outcome the replay's {@link Outcome#encode outcome} with this chunk folded in, or null: start-up
 *     reads it from a replay's last record instead of every record's tally
 */
record ChunkRecord(
    String replayId,
    String worldRef,
    long firstEventId,
    int chunkIndex,
    int chunkCount,
    boolean last,
    boolean started,
    boolean ended,
    int frameCount,
    long plainLength,
    int plainCrc,
    long appendedAtMillis,
    byte[] meta,
    byte[] run,
    byte[] tally,
    byte[] outcome) {

  /** Stands for a tally that is on disk but not held in memory. */
  static final byte[] TALLY_ON_DISK = new byte[0];

  /** This record with its tally left on disk: what a replay keeps in memory once the tally is folded in. */
  ChunkRecord withoutTally() {
    if ((tally == null || tally == TALLY_ON_DISK) && outcome == null) return this;
    return new ChunkRecord(replayId, worldRef, firstEventId, chunkIndex, chunkCount, last, started, ended, frameCount,
        plainLength, plainCrc, appendedAtMillis, meta, run, tally == null ? null : TALLY_ON_DISK, null);
  }

  /** Events the record carries: the chunk, plus start and end where it began or completed the replay. */
  int eventCount() {
    return 1 + (started ? 1 : 0) + (ended ? 1 : 0);
  }

  long chunkEventId() {
    return firstEventId + (started ? 1 : 0);
  }

  long lastEventId() {
    return firstEventId + eventCount() - 1;
  }
}
