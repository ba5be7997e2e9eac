package dev.echelon.server.log;

/**
 * What an append did.
 *
 * @param duplicate true when the chunk was already stored intact; nothing changed
 * @param replayId the replay
 * @param chunkIndex the chunk
 * @param total the replay's total when known, else null
 * @param started true when this chunk started the replay
 * @param ended true when this chunk completed it
 * @param runName the replay's training run, or null
 * @param eventId the id of the chunk's event (for a duplicate, of the stored chunk's)
 */
public record Appended(boolean duplicate, String replayId, int chunkIndex, Integer total, boolean started,
    boolean ended, String runName, long eventId) {}
