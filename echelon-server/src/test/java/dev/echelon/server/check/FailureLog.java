package dev.echelon.server.check;

import java.util.ArrayDeque;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The servers' log lines of the history under way, kept (the last {@value #LINES}) to be printed
 * only when it fails: ECHELON_CHECK_LOG=failures, with one history at a time so the lines are its own.
 */
final class FailureLog extends Handler {
  private static final int LINES = 4000;
  private static final FailureLog INSTANCE = new FailureLog();
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final SimpleFormatter format = new SimpleFormatter();

  static boolean wanted() {
    return "failures".equals(System.getenv("ECHELON_CHECK_LOG"));
  }

  /** Sends every server log line here instead of to the console. */
  static void install() {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) root.removeHandler(h);
    root.addHandler(INSTANCE);
    root.setLevel(Level.INFO);
  }

  /** Forgets the lines so far: a new history begins. */
  static void clear() {
    synchronized (INSTANCE.lines) {
      INSTANCE.lines.clear();
    }
  }

  /** The lines since the last {@link #clear}. */
  static String dump() {
    synchronized (INSTANCE.lines) {
      return String.join("", INSTANCE.lines);
    }
  }

  @Override public void publish(LogRecord r) {
    String line = format.format(r);
    synchronized (lines) {
      if (lines.size() == LINES) lines.removeFirst();
      lines.addLast(line);
    }
  }

  @Override public void flush() {}

  @Override public void close() {}
}
