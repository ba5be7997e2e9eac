package dev.echelon.server.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends uploads that stop making progress ({@code ECHELON_REQUEST_TIMEOUT_S}): a client that sends
 * headers and half a body, then nothing, would otherwise hold a thread and its buffer forever.
 * Interrupting the reading thread closes its socket (virtual threads in JDK 21+).
 */
final class UploadWatch implements AutoCloseable {
  private final long timeoutNanos;
  private final Set<Upload> uploads = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "echelon-upload-watch");
    t.setDaemon(true);
    return t;
  });

  UploadWatch(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    long period = Math.max(50, Math.min(1000, timeout.toMillis() / 4));
    timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  /** One body being read on the current thread. */
  final class Upload implements AutoCloseable {
    private final Thread thread = Thread.currentThread();
    private volatile long lastProgress = System.nanoTime();
    volatile boolean timedOut;

    void progress() {
      lastProgress = System.nanoTime();
    }

    @Override public void close() {
      uploads.remove(this);
    }
  }

  Upload start() {
    Upload u = new Upload();
    uploads.add(u);
    return u;
  }

  private void check() {
    long now = System.nanoTime();
    for (Upload u : uploads) {
      if (now - u.lastProgress > timeoutNanos) {
        u.timedOut = true;
        uploads.remove(u);
        u.thread.interrupt();
      }
    }
  }

  @Override public void close() {
    timer.shutdownNow();
  }
}
