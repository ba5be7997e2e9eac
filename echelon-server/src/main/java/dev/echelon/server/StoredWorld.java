package dev.echelon.server;

/**
 * A world as the server keeps it: the trainer's JSON, compacted to one line, and its hash. The
 * bytes are what GET returns and what {@code replay_start} carries; no object tree is held.
 */
record StoredWorld(String hash, byte[] json) {}
