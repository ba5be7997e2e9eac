/**
 * The live side: one {@link dev.echelon.server.live.Cursor} per connected viewer, reading the
 * replay log at its own pace on its own thread and writing Server-Sent Events; the registry that
 * caps viewers and drops only those whose connection stops making progress; and the one class
 * where event payloads and SSE framing are made. It reads the log and never writes to it.
 */
package dev.echelon.server.live;
