package dev.echelon.server.http;

import dev.echelon.server.base.ApiException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request bodies held in memory at once, across all requests
 * ({@code ECHELON_MAX_INFLIGHT_BYTES}). A request that would go beyond it is answered 503 with
 * {@code Retry-After} instead of risking the heap; the SDK retries.
 */
final class InflightBudget {
  private final long max;
  private final AtomicLong used = new AtomicLong();

  InflightBudget(long max) {
    this.max = max;
  }

  long used() {
    return used.get();
  }

  /** Takes {@code bytes} now (a known Content-Length); a lease grows as an unknown-length body is read. */
  Lease lease(long bytes) {
    Lease l = new Lease();
    l.grow(bytes);
    return l;
  }

  /** Bytes one request holds; returned on close. */
  final class Lease implements AutoCloseable {
    private long held;
    private boolean closed;

    /** Holds at least {@code total} bytes; 503 when the budget cannot cover them. */
    void grow(long total) {
      if (total <= held || closed) return;
      long more = Math.max(total - held, Math.min(64 * 1024, max)); // grow in steps, not per read
      if (used.addAndGet(more) > max) {
        used.addAndGet(-more);
        close();
        throw new ApiException(503, "the server is holding " + max + " bytes of request bodies"
            + " (ECHELON_MAX_INFLIGHT_BYTES); retry in a moment");
      }
      held += more;
    }

    @Override public void close() {
      if (closed) return;
      closed = true;
      used.addAndGet(-held);
      held = 0;
    }
  }
}
