package dev.echelon.client;

/**
 * Counters since the client was built, for a trainer's metrics.
 *
 * @param replaysSent replays delivered completely
 * @param replaysDropped replays given up on (queue full, server down, or rejected)
 * @param replaysFailed replays that could not be turned into JSON (a bug in what the trainer
 *     passed, such as an object Jackson cannot serialise); each is logged once
 * @param retries requests repeated after a failure
 * @param bytesSent bytes on the wire (compressed)
 * @param queued replays and stream chunks waiting for the background sender
 * @param lastError the most recent failure, or null
 */
public record ClientStats(
    long replaysSent, long replaysDropped, long replaysFailed, long retries, long bytesSent, int queued, String lastError) {}
