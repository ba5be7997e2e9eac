package dev.echelon.server.log;

/**
 * A viewer's cursor over the log: its position is the id of the last event it took. It holds no
 * events of its own; each {@link #poll} finds the next one that matches its subscription, in
 * memory when recent, on disk when not, so a slow viewer lags and catches up at no cost to anyone.
 */
public interface EventReader extends AutoCloseable {
  /** The next event, waiting up to {@code timeoutNanos} for one; null when none came. */
  LogEvent poll(long timeoutNanos) throws InterruptedException;

  /** The id of the last event taken (0 before any). */
  long position();

  @Override void close();
}
