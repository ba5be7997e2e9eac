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
 * time, or to make room for a new one. A newcomer at the cap first has every connection prove it
 * is still there (viewers whose browser went away free their slots within milliseconds) and waits
 * briefly for a slot; only if none frees is the oldest live viewer evicted. One timer serves
 * them all: it drops stalled connections and asks streams silent for the keepalive time for a
 * comment; nothing else wakes an idle viewer.
 */
public final class Viewers implements AutoCloseable {
  private static final Logger LOG = System.getLogger(Viewers.class.getName());
  /** How long a newcomer at the cap waits for a vanished viewer's slot before evicting a live one. */
  private static final long SLOT_WAIT_NANOS = 1_000_000_000L;

  private final int maxClients;
  private final long stallNanos;
  private final long keepaliveNanos;
  private final WireFrames frames;
  private final Metrics metrics;
  private final List<Cursor> cursors = new ArrayList<>();
  private final ScheduledExecutorService watchdog;
  private long nextSerial = 1;
  private boolean closed;

  /**
   * @param keepalive silence after which a stream gets a keepalive comment
   * @param frameBytes heap for chunk events framed once and shared by all viewers
   */
  public Viewers(int maxClients, Duration stall, Duration keepalive, long frameBytes, Metrics metrics) {
    this.maxClients = maxClients;
    this.stallNanos = stall.toNanos();
    this.keepaliveNanos = keepalive.toNanos();
    this.frames = new WireFrames(frameBytes);
    this.metrics = metrics;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "echelon-viewer-watchdog");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(10, Math.min(1000, Math.min(stall.toMillis(), keepalive.toMillis()) / 4));
    watchdog.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  /** Registers a viewer, making room when the cap is reached; null after shutdown. */
  public Cursor connect(Subscription filter) {
    Cursor evicted = null;
    Cursor c;
    synchronized (this) {
      if (closed) return null;
      c = new Cursor(nextSerial++, filter, frames);
      if (cursors.size() >= maxClients) {
        for (Cursor other : cursors) other.probe();
        long deadline = System.nanoTime() + SLOT_WAIT_NANOS;
        try {
          for (long left = SLOT_WAIT_NANOS; cursors.size() >= maxClients && !closed && left > 0;
              left = deadline - System.nanoTime()) {
            wait(left / 1_000_000, (int) (left % 1_000_000));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
        if (closed) return null;
      }
      cursors.add(c);
      if (cursors.size() > maxClients) {
        evicted = cursors.get(0); // the oldest: every one of them proved to be there
        cursors.remove(0);
      }
    }
    if (evicted != null) {
      evicted.close("evicted: more than " + maxClients + " viewers (ECHELON_SSE_MAX_CLIENTS)");
      metrics.viewersEvicted.increment();
      LOG.log(Level.INFO, "viewer " + evicted.serial + " evicted to make room for viewer " + c.serial);
    }
    return c;
  }

  public synchronized void disconnect(Cursor c) {
    if (cursors.remove(c)) notifyAll();
  }

  /** Heap held by events framed once and shared by viewers. */
  public long framedBytes() {
    return frames.bytes();
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

  private void tick() {
    long now = System.nanoTime();
    List<Cursor> stalled = new ArrayList<>();
    synchronized (this) {
      for (Cursor c : cursors) {
        if (c.stalled(now, stallNanos)) stalled.add(c);
        else if (c.silentNanos(now) >= keepaliveNanos) c.keepalive();
      }
      if (cursors.removeAll(stalled)) notifyAll();
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
      notifyAll();
    }
    for (Cursor c : all) c.close("server shutting down");
    watchdog.shutdownNow();
  }
}
