package dev.echelon.client;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The background thread that does all network work for non-blocking calls. Its queue is bounded:
 * when full, the oldest waiting job is dropped and counted, so a trainer that produces replays
 * faster than the server takes them loses old replays, never time.
 */
final class Sender {
  private static final Logger LOG = System.getLogger(EchelonClient.class.getName());

  /** A unit of background work. */
  abstract static class Job {
    final CompletableFuture<PushSummary> result = new CompletableFuture<>();

    abstract void run() throws InterruptedException;

    /** Called when the job is dropped before it ran. */
    void dropped(String why) {
      result.completeExceptionally(new EchelonException(EchelonException.Kind.DROPPED, why));
    }
  }

  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final int capacity;
  private final Counters counters;
  private final Thread thread;
  private boolean closed;
  private boolean busy;

  Sender(int capacity, Counters counters) {
    this.capacity = capacity;
    this.counters = counters;
    this.thread = new Thread(this::loop, "echelon-sender");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a job without blocking; drops the oldest queued job when full. */
  void submit(Job job) {
    Job evicted = null;
    synchronized (this) {
      if (closed) {
        job.dropped("the Echelon client is closed");
        return;
      }
      if (queue.size() >= capacity) evicted = queue.pollFirst();
      queue.addLast(job);
      notifyAll();
    }
    if (evicted != null) {
      counters.dropped.increment();
      counters.lastError = "send queue full (" + capacity + "): dropped the oldest queued replay";
      evicted.dropped(counters.lastError);
    }
  }

  synchronized int queued() {
    return queue.size() + (busy ? 1 : 0);
  }

  private void loop() {
    while (true) {
      Job job;
      synchronized (this) {
        while (queue.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (queue.isEmpty()) return;
        job = queue.pollFirst();
        busy = true;
      }
      try {
        job.run();
      } catch (InterruptedException e) {
        counters.dropped.increment(); // under way when close() ran out of time: counted like the queued ones
        job.dropped("the Echelon client was closed before this was sent");
        synchronized (this) {
          busy = false;
          notifyAll();
        }
        return;
      } catch (RuntimeException e) {
        counters.lastError = e.getMessage();
        job.result.completeExceptionally(e);
      } finally {
        synchronized (this) {
          busy = false;
          notifyAll();
        }
      }
    }
  }

  /** Sends what is queued until {@code deadline} passes, then drops the rest. */
  void close(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    synchronized (this) {
      closed = true;
      notifyAll();
      while ((busy || !queue.isEmpty()) && System.nanoTime() < end) {
        try {
          wait(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    thread.interrupt();
    Job left;
    int dropped = 0;
    while (true) {
      synchronized (this) {
        left = queue.pollFirst();
      }
      if (left == null) break;
      dropped++;
      counters.dropped.increment();
      left.dropped("the Echelon client was closed before this was sent");
    }
    if (dropped > 0) {
      LOG.log(Level.WARNING, "echelon: closed with " + dropped + " replay(s) unsent after waiting " + deadline.toMillis() + " ms");
    }
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
