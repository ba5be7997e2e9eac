package dev.echelon.server.log;

/**
 * A viewer's cursor over the log: its position is the id of the last event it took. It holds no
 * events of its own; each {@link #poll} finds the next one that matches its subscription, in
 * memory when recent, on disk when not, so a slow viewer lags and catches up at no cost to anyone.
 */
public interface EventReader extends AutoCloseable {
  /** The next event, waiting up to {@code timeoutNanos} for one; null when none came. */
  LogEvent poll(long timeoutNanos) throws InterruptedException;

  /**
   * Makes a {@link #poll} in progress, or the next one, return null at once: the viewer's thread
   * wants to write to its connection now (to find out whether it is still there).
   */
  void wake();

  /** Where the reader is: every event up to this id was handed out or is not for it. */
  long position();

  @Override void close();
}
