package dev.echelon.server.log;

/**
 * One event in the file log's in-memory index: its id, what it is, and where its data lies.
 *
 * @param id the event id
 * @param kind START, CHUNK or END
 * @param replay the replay it belongs to
 * @param ref the chunk's record, for CHUNK
 */
record LogEntry(long id, LogEvent.Kind kind, ReplayState replay, RecordRef ref) {}
