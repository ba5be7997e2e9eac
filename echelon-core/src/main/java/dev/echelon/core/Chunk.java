package dev.echelon.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One piece of a replay as pushed to {@code POST /push}. Frames stay raw JSON: the server forwards
 * them unchanged to viewers and never needs their structure.
 *
 * @param replayId 1..64 of {@code [A-Za-z0-9_-]}
 * @param worldRef hash of a world already stored on the server
 * @param chunkIndex position of this chunk, from 0
 * @param chunkCount total chunks, or null while a live stream does not know it yet
 * @param last true on the chunk that ends a live stream; fixes the total at {@code chunkIndex + 1}
 * @param frames a JSON array of frames
 * @param frameCount number of elements of {@code frames}
 * @param meta free-form replay metadata (chunk 0), or null
 * @param run the training run the replay came from (chunk 0), or null
 */
public record Chunk(
    String replayId,
    String worldRef,
    int chunkIndex,
    Integer chunkCount,
    boolean last,
    RawJson frames,
    int frameCount,
    JsonNode meta,
    JsonNode run) {
  private static final Pattern REPLAY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public Chunk {
    requireReplayId("replay_id", replayId);
    WorldHash.requireValid("world_ref", worldRef);
    if (chunkIndex < 0) {
      throw ProtocolException.invalid("chunk_index must be >= 0, got " + chunkIndex);
    }
    if (chunkCount != null) {
      if (chunkCount < 1) {
        throw ProtocolException.invalid("chunk_count must be >= 1, got " + chunkCount);
      }
      if (chunkIndex >= chunkCount) {
        throw ProtocolException.invalid(
            "chunk_index must be < chunk_count, got chunk_index=" + chunkIndex + " chunk_count=" + chunkCount);
      }
      if (last && chunkCount != chunkIndex + 1) {
        throw ProtocolException.invalid("a final chunk must be the last one, got chunk_index="
            + chunkIndex + " chunk_count=" + chunkCount);
      }
    }
    Objects.requireNonNull(frames, "frames");
    if (frameCount < 0) throw ProtocolException.invalid("frameCount must be >= 0, got " + frameCount);
    if (meta != null && meta.isNull()) meta = null;
    if (meta != null && !meta.isObject()) {
      throw ProtocolException.invalid("meta must be an object, got " + meta.getNodeType());
    }
    if (run != null && run.isNull()) run = null;
    if (run != null && !run.isObject()) {
      throw ProtocolException.invalid("run must be an object, got " + run.getNodeType());
    }
  }

  /** The total this chunk implies: its chunk_count, or index + 1 for a final chunk, else null. */
  public Integer knownTotal() {
    if (chunkCount != null) return chunkCount;
    return last ? chunkIndex + 1 : null;
  }

  /** True when {@code id} is a valid replay id (safe as a file name too). */
  public static boolean isValidReplayId(String id) {
    return id != null && REPLAY_ID.matcher(id).matches();
  }

  /** Throws naming {@code field} unless {@code id} is a valid replay id. */
  public static String requireReplayId(String field, String id) {
    if (!isValidReplayId(id)) {
      throw ProtocolException.invalid(field + " must be 1..64 of [A-Za-z0-9_-], got " + Strings.quote(id));
    }
    return id;
  }
}
