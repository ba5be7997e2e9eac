package dev.echelon.server.jetstream;

import dev.echelon.server.log.ReplayCatalog;
import dev.echelon.server.log.ReplaySummary;
import io.nats.client.IterableConsumer;
import io.nats.client.Message;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * This server's view of the shared log: a thread follows the stream's headers (bodies are never
 * fetched) from its first message and folds them into one {@link ReplayEntry} per replay, so
 * listings, the chunk rules and late-join positions are answered locally and alike on every
 * server. Messages of replays that retention removed are dropped from the index as the stream's
 * first sequence moves past them.
 */
final class StreamIndex implements AutoCloseable {
  private static final Logger LOG = System.getLogger(StreamIndex.class.getName());

  private final StreamContext stream;
  private final String subject;
  private final int maxChunks;
  private final Map<String, ReplayEntry> replays = new HashMap<>();
  private final Thread thread;
  private final java.util.concurrent.atomic.AtomicLong reconnects;
  private long applied;
  private long streamFirst = 1;
  private long streamLast;
  private final ReplayCatalog catalog = new ReplayCatalog();
  private volatile boolean following;
  private volatile boolean closed;

  StreamIndex(StreamContext stream, String subject, int maxChunks, java.util.concurrent.atomic.AtomicLong reconnects) {
    this.reconnects = reconnects;
    this.stream = stream;
    this.subject = subject;
    this.maxChunks = maxChunks;
    this.thread = new Thread(this::follow, "echelon-jetstream-index");
    thread.setDaemon(true);
  }

  /** Starts following and waits until the index has caught up with the stream as it is now. */
  void start(Duration catchUp) throws InterruptedException {
    long target = streamInfo().getStreamState().getLastSequence();
    thread.start();
    if (!awaitApplied(target, catchUp.toMillis())) {
      throw new IllegalStateException("the NATS log index did not catch up with " + target + " messages in " + catchUp);
    }
  }

  private StreamInfo streamInfo() {
    try {
      return stream.getStreamInfo();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the JetStream stream " + stream.getStreamName() + ": " + e.getMessage(), e);
    }
  }

  private void follow() {
    long lastInfo = 0;
    while (!closed) {
      OrderedConsumerConfiguration cfg = new OrderedConsumerConfiguration().filterSubject(subject).headersOnly(true)
          .deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(position() + 1);
      long seen = reconnects.get();
      try (IterableConsumer it = stream.createOrderedConsumer(cfg).iterate()) {
        following = true;
        long progress = System.nanoTime();
        while (!closed) {
          Message m = it.nextMessage(Duration.ofMillis(500));
          if (m != null) {
            apply(m);
            progress = System.nanoTime();
          }
          if (reconnects.get() != seen) break; // made again, from where it is
          if (System.nanoTime() - lastInfo > 1_000_000_000L) {
            refreshBounds(stream.getStreamInfo());
            lastInfo = System.nanoTime();
            // the stream has more but nothing came for 2 s: the consumer was lost (a leader moved); make it again
            if (lag() > 0 && System.nanoTime() - progress > 2_000_000_000L) break;
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (closed) return;
        if (following) LOG.log(Level.WARNING, "NATS log index: lost the stream (" + e.getMessage() + "); retrying");
        following = false;
        try {
          Thread.sleep(500);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private synchronized long position() {
    return applied;
  }

  /** Folds one message's headers in. */
  synchronized void apply(Message m) {
    long seq = m.metaData().streamSequence();
    if (seq <= applied) return;
    applied = seq;
    streamLast = Math.max(streamLast, seq);
    notifyAll();
    Headers h = m.getHeaders();
    String id = h == null ? null : h.getFirst(Subjects.REPLAY);
    String kind = h == null ? null : h.getFirst(Subjects.KIND);
    if (id == null || kind == null) return; // not ours
    ReplayEntry e = replays.get(id);
    if (e != null && !m.getSubject().equals(e.subject)) return; // a racing first message on another run: the first wins
    if (e == null) {
      e = new ReplayEntry(id);
      e.subject = m.getSubject();
      e.worldRef = h.getFirst(Subjects.WORLD);
      e.firstEventId = seq;
      e.startedAtMillis = number(h, Subjects.AT, System.currentTimeMillis());
      replays.put(id, e);
    }
    e.lastEventId = seq;
    e.updatedAtMillis = Math.max(e.updatedAtMillis, number(h, Subjects.AT, 0));
    Long count = numberOrNull(h, Subjects.COUNT);
    if (count != null && count > 0 && count <= maxChunks && e.total == null) e.total = count.intValue();
    String meta = h.getFirst(Subjects.META);
    if (meta != null) e.meta = Base64.getDecoder().decode(meta);
    String run = h.getFirst(Subjects.RUN);
    if (run != null) {
      e.run = Base64.getDecoder().decode(run);
      e.runName = ReplaySummary.runName(e.run);
    }
    if (kind.equals(Subjects.CHUNK)) {
      long index = number(h, Subjects.INDEX, -1);
      if (index < 0 || index >= maxChunks) return; // never allocate from a number read
      if (Boolean.parseBoolean(h.getFirst(Subjects.LAST)) && e.total == null) e.total = (int) index + 1;
      if (e.chunks.putIfAbsent((int) index, seq) == null) {
        e.highest = Math.max(e.highest, (int) index);
        e.frames += number(h, Subjects.FRAMES, 0);
        e.bytes += number(h, Subjects.PLAIN, 0);
        e.diskBytes += number(h, Subjects.MSG_SIZE, 0);
      }
    } else if (kind.equals(Subjects.END)) {
      e.endEventId = seq;
    }
    catalog.put(e.summary());
  }

  private synchronized void refreshBounds(StreamInfo info) {
    streamLast = Math.max(streamLast, info.getStreamState().getLastSequence());
    long first = info.getStreamState().getFirstSequence();
    if (first <= streamFirst) return;
    streamFirst = first;
    replays.values().removeIf(e -> { // removed by the stream's limits
      if (e.lastEventId >= first) return false;
      catalog.remove(e.id);
      return true;
    });
  }

  /** Waits until the index has applied {@code seq}; false on timeout. */
  synchronized boolean awaitApplied(long seq, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (applied < seq) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) return false;
      wait(left);
    }
    return true;
  }

  synchronized long applied() {
    return applied;
  }

  /** Messages in the stream this index has not applied yet (sampled every 2 s). */
  synchronized long lag() {
    return Math.max(0, streamLast - applied);
  }

  /** The last event id of any replay the subscription covers (0 when none). */
  synchronized long lastMatching(dev.echelon.server.log.Subscription filter) {
    long last = 0;
    for (ReplayEntry e : replays.values()) {
      if (filter.matches(e.id, e.runName)) last = Math.max(last, e.lastEventId);
    }
    return last;
  }

  synchronized long firstSequence() {
    return streamFirst;
  }

  boolean following() {
    return following;
  }

  /** A copy of one replay's entry, or null. */
  synchronized ReplayEntry copy(String id) {
    ReplayEntry e = replays.get(id);
    return e == null ? null : e.copy();
  }

  synchronized ReplaySummary summary(String id) {
    ReplayEntry e = replays.get(id);
    return e == null ? null : e.summary();
  }

  /** The stream sequence of a stored chunk, or null. */
  synchronized Long chunkSequence(String id, int index) {
    ReplayEntry e = replays.get(id);
    return e == null ? null : e.chunks.get(index);
  }

  synchronized java.util.List<Integer> chunkIndices(String id) {
    ReplayEntry e = replays.get(id);
    return e == null ? java.util.List.of() : java.util.List.copyOf(e.chunks.keySet());
  }

  ReplayCatalog catalog() {
    return catalog;
  }

  private static long number(Headers h, String name, long otherwise) {
    Long v = numberOrNull(h, name);
    return v == null ? otherwise : v;
  }

  private static Long numberOrNull(Headers h, String name) {
    String s = h.getFirst(name);
    if (s == null) return null;
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override public void close() {
    closed = true;
    thread.interrupt();
  }
}
