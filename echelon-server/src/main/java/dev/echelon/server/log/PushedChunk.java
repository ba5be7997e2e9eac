package dev.echelon.server.log;

import java.util.Objects;

/**
 * A chunk as pushed, after one scan of the request body: the envelope's fields, where the frames
 * lie in the body, and the compact JSON of {@code meta} and {@code run} when present.
 *
 * @param replayId a valid replay id
 * @param worldRef a valid world hash
 * @param chunkIndex from 0
 * @param chunkCount the total, or null while a live stream does not know it
 * @param last true on the chunk that ends a live stream
 * @param frames the frames array, a slice of the request body (single-line JSON)
 * @param frameCount elements of the frames array
 * @param meta compact JSON object, or null
 * @param run compact JSON object, or null
 * @param runName {@code run.name}, else {@code run.run_dir}, else null
 * @param tally what the frames say about the match, read once here
 */
public record PushedChunk(
    String replayId,
    String worldRef,
    int chunkIndex,
    Integer chunkCount,
    boolean last,
    Payload.Slice frames,
    int frameCount,
    byte[] meta,
    byte[] run,
    String runName,
    ChunkTally tally) {
  public PushedChunk {
    Objects.requireNonNull(replayId, "replayId");
    Objects.requireNonNull(worldRef, "worldRef");
    Objects.requireNonNull(frames, "frames");
    Objects.requireNonNull(tally, "tally");
    if (chunkIndex < 0) throw new IllegalArgumentException("chunkIndex must be >= 0, got " + chunkIndex);
  }

  /** A chunk whose tally is read from its frames now. */
  public PushedChunk(String replayId, String worldRef, int chunkIndex, Integer chunkCount, boolean last,
      Payload.Slice frames, int frameCount, byte[] meta, byte[] run, String runName) {
    this(replayId, worldRef, chunkIndex, chunkCount, last, frames, frameCount, meta, run, runName,
        ChunkTally.of(frames));
  }

  /** The total this chunk implies: its chunk_count, or index + 1 for a final chunk, else null. */
  public Integer knownTotal() {
    if (chunkCount != null) return chunkCount;
    return last ? chunkIndex + 1 : null;
  }
}
