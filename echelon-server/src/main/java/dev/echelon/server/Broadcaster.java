package dev.echelon.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fans events out to at most {@code maxClients} viewers (PROTOCOL.md §3). Publishing only offers
 * to bounded queues, so a push returns at once whatever the viewers do; a watchdog closes viewers
 * that leave an event untaken for longer than the broadcast timeout.
 */
final class Broadcaster implements AutoCloseable {
  private static final Logger LOG = System.getLogger(Broadcaster.class.getName());

  private final int maxClients;
  private final int queueEvents;
  private final long timeoutNanos;
  private final Metrics metrics;
  private final ArrayDeque<SseClient> clients = new ArrayDeque<>();
  private final ScheduledExecutorService watchdog;
  // ids keep increasing across restarts, so a Last-Event-ID from an earlier run is never mistaken
  private long nextEventId = System.currentTimeMillis() * 1000;
  private final ArrayDeque<SseEvent> history = new ArrayDeque<>();
  private final int historyEvents;
  private final long historyMaxBytes;
  private long historyBytes;
  private long nextSerial = 1;
  private boolean closed;

  Broadcaster(int maxClients, int queueEvents, Duration timeout, Metrics metrics) {
    this(maxClients, queueEvents, timeout, metrics, 512, 128L << 20);
  }

  Broadcaster(int maxClients, int queueEvents, Duration timeout, Metrics metrics, int historyEvents, long historyMaxBytes) {
    this.historyEvents = historyEvents;
    this.historyMaxBytes = historyMaxBytes;
    this.maxClients = maxClients;
    this.queueEvents = queueEvents;
    this.timeoutNanos = timeout.toNanos();
    this.metrics = metrics;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "echelon-sse-watchdog");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(10, Math.min(250, timeout.toMillis() / 4));
    watchdog.scheduleAtFixedRate(this::dropStalled, period, period, TimeUnit.MILLISECONDS);
  }

  /** Registers a viewer, evicting the oldest when the cap is reached; null after shutdown. */
  synchronized SseClient connect(Subscription filter) {
    if (closed) return null;
    SseClient c = new SseClient(nextSerial++, queueEvents, filter);
    clients.addLast(c);
    while (clients.size() > maxClients) {
      SseClient oldest = clients.removeFirst();
      oldest.close("evicted: more than " + maxClients + " viewers (ECHELON_SSE_MAX_CLIENTS)");
      metrics.viewersEvicted.increment();
      LOG.log(Level.INFO, "viewer " + oldest.serial + " evicted to make room for viewer " + c.serial);
    }
    return c;
  }

  /** The id of the last event published, or 0 before any. */
  synchronized long lastEventId() {
    return history.isEmpty() ? 0 : history.getLast().id;
  }

  /**
   * The events published after {@code lastId}, for a reconnecting viewer; null when some of them
   * are no longer in the bounded history (the viewer must resync).
   */
  synchronized List<SseEvent> historyAfter(long lastId) {
    if (history.isEmpty()) return lastId == nextEventId - 1 ? List.of() : null;
    if (lastId < history.getFirst().id - 1 || lastId > history.getLast().id) return null;
    List<SseEvent> out = new ArrayList<>();
    for (SseEvent e : history) if (e.id > lastId) out.add(e);
    return out;
  }

  synchronized void disconnect(SseClient c) {
    clients.remove(c);
  }

  synchronized int clientCount() {
    return clients.size();
  }

  /**
   * Sends an event of {@code replayId} (in training run {@code run}) to every viewer subscribed to
   * it; returns how many were given it. Never blocks on a viewer.
   */
  synchronized int publish(String name, byte[] data, String replayId, String run) {
    SseEvent e = new SseEvent(nextEventId++, name, data, replayId, run);
    history.addLast(e);
    historyBytes += e.size();
    while (history.size() > historyEvents || historyBytes > historyMaxBytes) historyBytes -= history.removeFirst().size();
    int n = 0;
    List<SseClient> full = null;
    for (SseClient c : clients) {
      if (!c.wants(e)) continue;
      if (c.offer(e)) {
        n++;
      } else if (!c.isClosed()) {
        if (full == null) full = new ArrayList<>();
        full.add(c);
      }
    }
    if (full != null) for (SseClient c : full) drop(c, "its queue of " + queueEvents + " events is full");
    metrics.sseEvents.increment();
    return n;
  }

  private synchronized void dropStalled() {
    long now = System.nanoTime();
    List<SseClient> stalled = null;
    for (SseClient c : clients) {
      if (c.stalled(now, timeoutNanos)) {
        if (stalled == null) stalled = new ArrayList<>();
        stalled.add(c);
      }
    }
    if (stalled != null) {
      for (SseClient c : stalled) drop(c, "it did not take an event within " + timeoutNanos / 1_000_000 + " ms");
    }
  }

  private void drop(SseClient c, String why) {
    clients.remove(c);
    c.close("dropped: " + why);
    metrics.viewersDropped.increment();
    LOG.log(Level.INFO, "viewer " + c.serial + " dropped: " + why);
  }

  /** Ends every stream and refuses new viewers. */
  @Override public void close() {
    List<SseClient> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(clients);
      clients.clear();
    }
    for (SseClient c : all) c.close("server shutting down");
    watchdog.shutdownNow();
  }
}
