package dev.echelon.server.log;

import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands out event ids and tracks the committed watermark: the highest id below which every
 * reserved id is either committed or abandoned. Appends to different replays reserve ids in one
 * order and finish in another; readers see nothing above the watermark, so a fast append can never
 * make a slower one's events appear to have been skipped. Abandoned ids are holes, never reused.
 * The lock guards a few numbers only; no I/O happens under it.
 */
final class Sequencer {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition advanced = lock.newCondition();
  private final TreeSet<Long> inFlight = new TreeSet<>();
  private long next;
  private volatile long committed;

  /** @param lastUsed the highest id ever handed out (0 for a new log) */
  Sequencer(long lastUsed) {
    this.next = lastUsed + 1;
    this.committed = lastUsed;
  }

  /** Reserves {@code n} consecutive ids; returns the first. */
  long reserve(int n) {
    lock.lock();
    try {
      long first = next;
      next += n;
      inFlight.add(first);
      return first;
    } finally {
      lock.unlock();
    }
  }

  /** Ends a reservation, committed or abandoned alike, and wakes readers when the watermark moves. */
  void finish(long first) {
    lock.lock();
    try {
      inFlight.remove(first);
      long w = inFlight.isEmpty() ? next - 1 : inFlight.first() - 1;
      if (w != committed) {
        committed = w;
        advanced.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Every id up to this one is settled. */
  long committed() {
    return committed;
  }

  /** The highest id ever handed out. */
  long lastReserved() {
    lock.lock();
    try {
      return next - 1;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the watermark passes {@code id} or the time is up; true when it passed. */
  boolean awaitBeyond(long id, long nanos) throws InterruptedException {
    if (committed > id) return true;
    lock.lock();
    try {
      long left = nanos;
      while (committed <= id && left > 0) left = advanced.awaitNanos(left);
      return committed > id;
    } finally {
      lock.unlock();
    }
  }
}
