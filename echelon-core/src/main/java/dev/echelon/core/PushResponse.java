package dev.echelon.core;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to {@code POST /push}. A {@code "duplicate"} status tells a retrying client that the
 * chunk was already stored, so retries after time-outs are safe.
 *
 * @param status {@code "ok"} or {@code "duplicate"}
 * @param replayId the replay the chunk belongs to
 * @param chunkIndex the chunk's index
 * @param clientsNotified how many viewers were sent the chunk
 * @param eventId the id of the chunk's {@code replay_chunk} event (for a duplicate, the stored one's),
 *     so a client can tell where its chunk lies in the stream; null from servers before it was added
 */
public record PushResponse(
    @JsonProperty("status") String status,
    @JsonProperty("replay_id") String replayId,
    @JsonProperty("chunk_index") int chunkIndex,
    @JsonProperty("clients_notified") int clientsNotified,
    @JsonProperty("event_id") Long eventId) {
  public static final String OK = "ok";
  public static final String DUPLICATE = "duplicate";

  public PushResponse {
    if (!OK.equals(status) && !DUPLICATE.equals(status)) {
      throw ProtocolException.invalid("status must be \"ok\" or \"duplicate\", got " + Strings.quote(status));
    }
    Chunk.requireReplayId("replay_id", replayId);
    if (chunkIndex < 0) throw ProtocolException.invalid("chunk_index must be >= 0, got " + chunkIndex);
    if (clientsNotified < 0) {
      throw ProtocolException.invalid("clients_notified must be >= 0, got " + clientsNotified);
    }
    if (eventId != null && eventId < 1) throw ProtocolException.invalid("event_id must be >= 1, got " + eventId);
  }

  public boolean duplicate() {
    return DUPLICATE.equals(status);
  }
}
