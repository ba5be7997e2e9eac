package dev.echelon.server.live;

import dev.echelon.server.base.Metrics;
import dev.echelon.server.log.Subscription;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The connected viewers (PROTOCOL.md §3): at most {@code maxClients}, each a {@link Cursor} on its
 * own thread. A viewer is dropped only when its connection makes no write progress for the stall
 * time, or to make room for a new one: then connections younger than a second go first (a viewer
 * that vanished is noticed by its pings within a second; until then it is no proof of life), and
 * otherwise the oldest.
 */
public final class Viewers implements AutoCloseable {
  private static final Logger LOG = System.getLogger(Viewers.class.getName());
  private static final long YOUNG_NANOS = 1_000_000_000L;

  private final int maxClients;
  private final long stallNanos;
  private final Metrics metrics;
  private final List<Cursor> cursors = new ArrayList<>();
  private final ScheduledExecutorService watchdog;
  private long nextSerial = 1;
  private boolean closed;

  public Viewers(int maxClients, Duration stall, Metrics metrics) {
    this.maxClients = maxClients;
    this.stallNanos = stall.toNanos();
    this.metrics = metrics;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "echelon-viewer-watchdog");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(10, Math.min(1000, stall.toMillis() / 4));
    watchdog.scheduleAtFixedRate(this::dropStalled, period, period, TimeUnit.MILLISECONDS);
  }

  /** Registers a viewer, making room when the cap is reached; null after shutdown. */
  public Cursor connect(Subscription filter) {
    Cursor evicted;
    Cursor c;
    synchronized (this) {
      if (closed) return null;
      c = new Cursor(nextSerial++, filter);
      cursors.add(c);
      evicted = cursors.size() > maxClients ? pickEviction(c) : null;
      if (evicted != null) cursors.remove(evicted);
    }
    if (evicted != null) {
      evicted.close("evicted: more than " + maxClients + " viewers (ECHELON_SSE_MAX_CLIENTS)");
      metrics.viewersEvicted.increment();
      LOG.log(Level.INFO, "viewer " + evicted.serial + " evicted to make room for viewer " + c.serial);
    }
    return c;
  }

  private Cursor pickEviction(Cursor newcomer) {
    long now = System.nanoTime();
    for (Cursor c : cursors) {
      if (c != newcomer && (c.isClosed() || now - c.connectedNanos < YOUNG_NANOS)) return c;
    }
    return cursors.get(0);
  }

  public synchronized void disconnect(Cursor c) {
    cursors.remove(c);
  }

  public synchronized int count() {
    return cursors.size();
  }

  /** Viewers whose subscription covers a replay: the {@code clients_notified} of a push. */
  public synchronized int matching(String replayId, String run) {
    int n = 0;
    for (Cursor c : cursors) if (c.filter.matches(replayId, run)) n++;
    return n;
  }

  private void dropStalled() {
    long now = System.nanoTime();
    List<Cursor> stalled = new ArrayList<>();
    synchronized (this) {
      for (Cursor c : cursors) if (c.stalled(now, stallNanos)) stalled.add(c);
      cursors.removeAll(stalled);
    }
    for (Cursor c : stalled) {
      String why = "its connection took nothing for " + stallNanos / 1_000_000 + " ms (ECHELON_SSE_STALL_S)";
      c.close("dropped: " + why);
      metrics.viewersDropped.increment();
      LOG.log(Level.INFO, "viewer " + c.serial + " dropped: " + why);
    }
  }

  /** Ends every stream and refuses new viewers. */
  @Override public void close() {
    List<Cursor> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(cursors);
      cursors.clear();
    }
    for (Cursor c : all) c.close("server shutting down");
    watchdog.shutdownNow();
  }
}
