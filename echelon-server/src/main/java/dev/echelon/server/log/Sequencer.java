package dev.echelon.server.log;

import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands out event ids and tracks the committed watermark: the highest id below which every
 * reserved id is either committed or abandoned. Appends to different replays reserve ids in one
 * order and finish in another; readers see nothing above the watermark, so a fast append can never
 * make a slower one's events appear to have been skipped. Abandoned ids are holes, never reused.
 * Ids are handed out only below a ceiling that {@link LogState} has made durable, so they never go
 * back after a crash, even when the record holding the highest one is lost; the ceiling moves a
 * block at a time, the one write under the lock, once per {@value LogState#BLOCK} ids.
 */
final class Sequencer {
  private final ReentrantLock lock = new ReentrantLock();
  private final TreeSet<Long> inFlight = new TreeSet<>();
  private final LogState state;
  private long next;
  private volatile long committed;

  /**
   * @param lastVisible the highest id a reader can see now (0 for a new log)
   * @param lastHandedOut the highest id that may ever have been handed out (the durable ceiling)
   */
  Sequencer(long lastVisible, long lastHandedOut, LogState state) {
    this.next = Math.max(lastVisible, lastHandedOut) + 1;
    this.committed = lastVisible;
    this.state = state;
  }

  /** Reserves {@code n} consecutive ids; returns the first. Fails when the ceiling cannot be raised. */
  long reserve(int n) throws java.io.IOException {
    lock.lock();
    try {
      long first = next;
      state.reserve(first + n - 1);
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
        wakeWaiting();
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

  /**
   * Waits until the watermark passes {@code id}, the time is up or the waiting thread is unparked
   * ({@link FileEventReader#wake}); true when it passed. Each reader parks on its own thread, so
   * waking one viewer wakes no other, and an idle viewer costs nothing until something happens.
   */
  boolean awaitBeyond(long id, long nanos) throws InterruptedException {
    if (committed > id) return true;
    Thread me = Thread.currentThread();
    waiting.add(me);
    try {
      if (committed <= id) java.util.concurrent.locks.LockSupport.parkNanos(this, nanos);
    } finally {
      waiting.remove(me);
    }
    if (Thread.interrupted()) throw new InterruptedException("the reader was closed while it waited");
    return committed > id;
  }

  private final java.util.Set<Thread> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Unparks every waiting reader: the watermark moved (a spurious wake-up only costs a look). */
  private void wakeWaiting() {
    for (Thread t : waiting) java.util.concurrent.locks.LockSupport.unpark(t);
  }
}
