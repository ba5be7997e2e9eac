package dev.echelon.server;

import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One connected viewer: a small bounded queue filled by the pusher without blocking, drained by
 * the viewer's own request thread. A viewer that falls behind is closed by interrupting that
 * thread (which also closes its socket), so it can never hold up anyone else.
 */
final class SseClient {
  final long serial;
  private final ArrayBlockingQueue<SseEvent> queue;
  private volatile boolean closed;
  private volatile String closeReason;
  private volatile Thread thread;
  private volatile long writingSince;
  private volatile boolean inBacklog;

  private final Subscription filter;

  SseClient(long serial, int queueEvents, Subscription filter) {
    this.serial = serial;
    this.queue = new ArrayBlockingQueue<>(queueEvents);
    this.filter = filter;
  }

  /** True when this viewer subscribed to the event's replay. */
  boolean wants(SseEvent e) {
    return filter.matches(e.replayId, e.run);
  }

  /** Queues an event without blocking; false when the viewer is closed or its queue is full. */
  boolean offer(SseEvent e) {
    return !closed && queue.offer(e);
  }

  /** True when an event has waited, or a write has blocked, longer than {@code timeoutNanos}. */
  boolean stalled(long nowNanos, long timeoutNanos) {
    long w = writingSince;
    if (w != 0 && nowNanos - w > timeoutNanos) return true;
    if (inBacklog) return false; // live events wait while the catch-up is written
    SseEvent head = queue.peek();
    return head != null && nowNanos - head.createdNanos > timeoutNanos;
  }

  boolean isClosed() {
    return closed;
  }

  String closeReason() {
    return closeReason;
  }

  /** Ends the stream: the serving thread is interrupted, which also unblocks a stuck write. */
  void close(String reason) {
    if (closed) return;
    closeReason = reason;
    closed = true;
    Thread t = thread;
    if (t != null) t.interrupt();
  }

  /**
   * Writes the catch-up {@code backlog} (then {@code resumeId}, when positive, as the stream's
   * last event id), then live events until closed or the connection fails. Runs on the viewer's
   * request thread.
   */
  void serve(EventWriter out, Duration keepalive, String preamble, Iterator<SseEvent> backlog, long resumeId)
      throws IOException {
    thread = Thread.currentThread();
    if (closed) return;
    out.text(preamble);
    long keepaliveNanos = keepalive.toNanos();
    try {
      inBacklog = true;
      while (!closed && backlog.hasNext()) {
        SseEvent e = backlog.next();
        if (!wants(e) && e.replayId != null) continue;
        writingSince = System.nanoTime();
        out.event(e);
        writingSince = 0;
      }
      if (resumeId > 0) out.text("id: " + resumeId + "\n\n");
      inBacklog = false;
      while (!closed) {
        SseEvent e = queue.poll(keepaliveNanos, TimeUnit.NANOSECONDS);
        writingSince = System.nanoTime();
        if (e == null) out.text(": keepalive " + System.currentTimeMillis() / 1000 + "\n\n");
        else out.event(e);
        writingSince = 0;
      }
      out.finish();
    } catch (InterruptedException e) {
      // closed by the broadcaster: end the stream
    } finally {
      closed = true;
      queue.clear();
    }
  }
}
