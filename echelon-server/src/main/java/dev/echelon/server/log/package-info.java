/**
 * The replay log, the bottom of the server: every chunk appended durably (forced to disk before a
 * push is answered) to a checksummed, self-describing log file per replay, one global sequence of
 * event ids that survives restarts, recovery from the records themselves, retention, and the world
 * store. It knows nothing of HTTP or viewers: appends become visible to readers once durable, and
 * readers come to read at their own positions.
 */
package dev.echelon.server.log;
