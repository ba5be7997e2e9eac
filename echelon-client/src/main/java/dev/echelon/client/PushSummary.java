package dev.echelon.client;

import java.time.Duration;

/**
 * What one replay push did, for a trainer's log line.
 *
 * @param replayId the replay's id on the server
 * @param worldHash the world's hash
 * @param worldUploaded true when the world had to be sent (it was not on the server yet)
 * @param chunks chunks sent
 * @param frames frames sent
 * @param bytes bytes on the wire (compressed)
 * @param elapsed wall time from the first request to the last answer
 * @param viewerUrl the viewer page that opens this replay, to print or log beside the training step
 */
public record PushSummary(String replayId, String worldHash, boolean worldUploaded, int chunks, long frames, long bytes,
    Duration elapsed, String viewerUrl) {}
