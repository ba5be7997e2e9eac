package dev.echelon.server;

import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Event, formatted once and shared by every viewer's queue: the header lines and
 * the single-line JSON payload are written as two byte arrays, never copied per viewer. Backlog
 * events replayed from the archive carry no id ({@code id <= 0}).
 */
final class SseEvent {
  final long id;
  final String name;
  final byte[] head;
  final byte[] data;
  final long createdNanos;

  SseEvent(long id, String name, byte[] data) {
    this.id = id;
    this.name = name;
    String idLine = id > 0 ? "id: " + id + "\n" : "";
    this.head = (idLine + "event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8);
    this.data = data;
    this.createdNanos = System.nanoTime();
  }

  int size() {
    return head.length + data.length + 2;
  }
}
