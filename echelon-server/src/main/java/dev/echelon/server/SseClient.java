package dev.echelon.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  final long serial;
  private final ArrayBlockingQueue<SseEvent> queue;
  private volatile boolean closed;
  private volatile String closeReason;
  private volatile Thread thread;
  private volatile long writingSince;
  private volatile boolean inBacklog;

  SseClient(long serial, int queueEvents) {
    this.serial = serial;
    this.queue = new ArrayBlockingQueue<>(queueEvents);
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
  void serve(OutputStream out, Duration keepalive, byte[] preamble, Iterator<SseEvent> backlog, long resumeId)
      throws IOException {
    thread = Thread.currentThread();
    if (closed) return;
    out.write(preamble);
    out.flush();
    long keepaliveNanos = keepalive.toNanos();
    try {
      inBacklog = true;
      while (!closed && backlog.hasNext()) {
        SseEvent e = backlog.next();
        writingSince = System.nanoTime();
        out.write(e.head);
        out.write(e.data);
        out.write(END);
        out.flush();
        writingSince = 0;
      }
      if (resumeId > 0) {
        out.write(("id: " + resumeId + "\n\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      inBacklog = false;
      while (!closed) {
        SseEvent e = queue.poll(keepaliveNanos, TimeUnit.NANOSECONDS);
        writingSince = System.nanoTime();
        if (e == null) {
          out.write((": keepalive " + System.currentTimeMillis() / 1000 + "\n\n").getBytes(StandardCharsets.US_ASCII));
        } else {
          out.write(e.head);
          out.write(e.data);
          out.write(END);
        }
        out.flush();
        writingSince = 0;
      }
    } catch (InterruptedException e) {
      // closed by the broadcaster: fall through and end the stream
    } finally {
      closed = true;
      queue.clear();
    }
  }
}
