package dev.echelon.server.jetstream;

import dev.echelon.server.log.ReplayCatalog;
import dev.echelon.server.log.ReplaySummary;
import dev.echelon.server.log.Subscription;
import dev.echelon.server.log.Tombstones;
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
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * This server's view of the shared log: a thread follows the stream's headers (bodies are never
 * fetched) and folds them into one {@link ReplayEntry} per replay, so listings, the chunk rules and
 * late-join positions are answered locally and alike on every server. Once a second it also looks
 * at the stream itself: a stream lost or made again (NATS lost its store, someone removed it) is
 * made again where needed and the index rebuilt from what it holds, viewers told to resync; a
 * replay whose start the stream's limits evicted is dropped whole, with a tombstone, so nothing
 * listed is gone and lagging viewers are told. A replay that becomes complete gets its end
 * published by whichever server indexes it first (the message id keeps one).
 */
final class StreamIndex implements AutoCloseable {
  private static final Logger LOG = System.getLogger(StreamIndex.class.getName());

  private final StreamContext stream;
  private final StreamKeeper keeper;
  private final HighWater highWater;
  private final String subject;
  private final int maxChunks;
  private final Map<String, ReplayEntry> replays = new HashMap<>();
  private final ReplayCatalog catalog = new ReplayCatalog();
  /** Replays the stream's limits evicted, for viewers that had not read them yet. */
  final Tombstones evicted = new Tombstones();
  private final Thread thread;
  private final java.util.concurrent.atomic.AtomicLong reconnects;
  private final Consumer<ReplayEntry> completed;
  /** Told when the stream was lost or replaced (NATS may have lost the worlds with it). */
  private final Runnable lost;
  final LongAdder resets = new LongAdder();
  final LongAdder evictedReplays = new LongAdder();
  private long applied;
  private long streamFirst = 1;
  private long streamLast;
  /** The stream's last sequence when the index was reset: reads wait until it is rebuilt that far. */
  private long rebuildTo;
  /** The first id of the stream as it was made again at the last reset (0 before any). */
  private long incarnationFirst;
  private ZonedDateTime created;
  /** When the stream was first seen holding less than this index read (0: it is not). */
  private long shrunkSince;
  private static final long CONFIRM_LOSS_NANOS = 2_000_000_000L;
  private volatile int epoch;
  private volatile boolean following;
  private volatile boolean closed;

  StreamIndex(StreamContext stream, StreamKeeper keeper, HighWater highWater, String subject, int maxChunks,
      java.util.concurrent.atomic.AtomicLong reconnects, Consumer<ReplayEntry> completed, Runnable lost) {
    this.lost = lost;
    this.stream = stream;
    this.keeper = keeper;
    this.highWater = highWater;
    this.subject = subject;
    this.maxChunks = maxChunks;
    this.reconnects = reconnects;
    this.completed = completed;
    this.thread = new Thread(this::follow, "echelon-jetstream-index");
    thread.setDaemon(true);
  }

  /** Starts following and waits until the index has caught up with the stream as it is now. */
  void start(StreamInfo info, Duration catchUp) throws InterruptedException {
    synchronized (this) {
      created = info.getCreateTime();
      streamFirst = Math.max(1, info.getStreamState().getFirstSequence());
      applied = streamFirst - 1;
    }
    long target = info.getStreamState().getLastSequence();
    thread.start();
    if (!awaitApplied(target, catchUp.toMillis())) {
      close(); // a start-up that fails leaves no thread behind
      throw new IllegalStateException("the NATS log index did not catch up with " + target + " messages in " + catchUp);
    }
  }

  private void follow() {
    long lastLook = 0;
    while (!closed) {
      int at = epoch;
      OrderedConsumerConfiguration cfg = new OrderedConsumerConfiguration().filterSubject(subject).headersOnly(true)
          .deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(position() + 1);
      long seen = reconnects.get();
      try (IterableConsumer it = stream.createOrderedConsumer(cfg).iterate()) {
        following = true;
        long progress = System.nanoTime();
        while (!closed && epoch == at) {
          Message m = it.nextMessage(Duration.ofMillis(200));
          if (m != null) {
            apply(m, at);
            progress = System.nanoTime();
          }
          if (reconnects.get() != seen) break; // made again, from where it is
          if (System.nanoTime() - lastLook > 1_000_000_000L) {
            lastLook = System.nanoTime();
            look();
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
          look(); // the stream may be gone for good: make it again
        } catch (InterruptedException ie) {
          return;
        } catch (Exception again) {
          // NATS is away: try again shortly
        }
      }
    }
  }

  /** Checks the stream is still the one this index follows, and what its limits evicted. */
  private void look() throws Exception {
    long[] before = asked();
    see(before, keeper.ensure());
  }

  /** What the index held just before asking NATS for the stream's info: the info is at least that new. */
  private synchronized long[] asked() {
    return new long[] {epoch, applied};
  }

  /**
   * Folds in what the stream's info shows: a stream made again (another creation time, or fewer
   * messages than were read) resets the index, evicted messages drop their replays.
   */
  private synchronized void see(long[] asked, StreamInfo info) {
    long first = info.getStreamState().getFirstSequence();
    long last = info.getStreamState().getLastSequence();
    highWater.raise(last);
    if (asked[0] != epoch) return; // reset meanwhile: this info may predate it
    if (!info.getCreateTime().equals(created)) {
      reset(info, "it was made again (created " + info.getCreateTime() + ", was " + created + ")");
      return;
    }
    // messages applied while the info was on its way are no loss: compare with what was read before asking
    if (last < asked[1]) {
      // a store nats-server is still loading may show less for a moment, and so may a cluster whose replicas are
      // catching up after a node lost its store: a loss is one that lasts, told by a settled stream
      long now = System.nanoTime();
      if (shrunkSince == 0 || !settled(info)) shrunkSince = now;
      if (now - shrunkSince < CONFIRM_LOSS_NANOS) return;
      shrunkSince = 0;
      reset(info, "it holds up to sequence " + last + ", this server had read " + asked[1]);
      return;
    }
    shrunkSince = 0;
    streamLast = Math.max(streamLast, last);
    if (first > streamFirst) evict(first);
  }

  /** Whether the stream's group has a leader and every replica is current (always, for a stream of one replica). */
  private static boolean settled(StreamInfo info) {
    var cluster = info.getClusterInfo();
    if (cluster == null || cluster.getReplicas() == null || cluster.getReplicas().isEmpty()) return true;
    return cluster.getLeader() != null && cluster.getReplicas().stream().allMatch(r -> r.isCurrent() && !r.isOffline());
  }

  /** The stream is not the one the index was built from: start over from what it holds. */
  private void reset(StreamInfo info, String why) {
    long first = Math.max(1, info.getStreamState().getFirstSequence());
    LOG.log(Level.WARNING, "NATS log: the stream " + keeper.name() + " was lost or replaced (" + why + "); this server"
        + " rebuilds its index from what the stream holds (" + info.getStreamState().getMsgCount() + " messages from"
        + " sequence " + first + "), and its viewers resync");
    for (String id : replays.keySet()) catalog.remove(id);
    replays.clear();
    created = info.getCreateTime();
    streamFirst = first;
    streamLast = info.getStreamState().getLastSequence();
    applied = first - 1;
    rebuildTo = streamLast;
    // ids below this belong to the lost stream: a sealed one holds nothing yet and will go on past the high water
    incarnationFirst = keeper.making(info) ? highWater.get() + 1 : first;
    resets.increment();
    epoch++;
    lost.run();
    notifyAll();
  }

  /** Drops every replay whose start the stream's limits removed: nothing listed may be gone. */
  private void evict(long first) {
    streamFirst = first;
    var it = replays.values().iterator();
    while (it.hasNext()) {
      ReplayEntry e = it.next();
      if (e.firstEventId >= first) continue;
      it.remove();
      catalog.remove(e.id);
      evicted.add(new Tombstones.Tombstone(e.id, e.runName, e.firstEventId, e.lastEventId));
      evictedReplays.increment();
    }
  }

  private synchronized long position() {
    return applied;
  }

  /**
   * Folds one message's headers in, unless it came from a consumer of an earlier epoch: after a
   * reset, the old consumer may still hand over a message, which must not move the index past the
   * ones the rebuild has yet to read.
   */
  private synchronized void apply(Message m, int from) {
    if (from != epoch) return;
    long seq = m.metaData().streamSequence();
    if (seq <= applied) return;
    applied = seq;
    highWater.raise(seq);
    streamLast = Math.max(streamLast, seq);
    notifyAll();
    if (seq < streamFirst) return; // evicted meanwhile
    Headers h = m.getHeaders();
    String id = h == null ? null : h.getFirst(Subjects.REPLAY);
    String kind = h == null ? null : h.getFirst(Subjects.KIND);
    if (id == null || kind == null) return; // not ours
    ReplayEntry e = replays.get(id);
    if (e != null && !m.getSubject().equals(e.subject)) return; // a racing first message on another run: the first wins
    if (e == null) {
      e = new ReplayEntry(id);
      e.subject = m.getSubject();
      e.runName = Subjects.run(e.subject); // filed by its first message, matched by the same key everywhere
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
      e.training = ReplaySummary.Training.of(e.run);
    }
    if (kind.equals(Subjects.CHUNK)) {
      long index = number(h, Subjects.INDEX, -1);
      if (index < 0 || index >= maxChunks) return; // never allocate from a number read
      if (Boolean.parseBoolean(h.getFirst(Subjects.LAST)) && e.total == null) e.total = (int) index + 1;
      if (e.chunks.putIfAbsent((int) index, seq) == null) {
        if (!e.folded.get((int) index)) { // a chunk pushed again after its eviction counts once
          e.folded.set((int) index);
          String tally = h.getFirst(Subjects.TALLY);
          if (tally != null) e.outcome = e.outcome.plus((int) index, tally(tally));
        }
        e.highest = Math.max(e.highest, (int) index);
        e.frames += number(h, Subjects.FRAMES, 0);
        e.bytes += number(h, Subjects.PLAIN, 0);
        e.diskBytes += number(h, Subjects.MSG_SIZE, 0);
      }
      if (e.complete() && e.endEventId == 0) completed.accept(e.copy());
    } else if (kind.equals(Subjects.END)) {
      e.endEventId = seq;
    }
    catalog.put(e.summary());
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

  /**
   * Waits (up to {@code timeoutMillis}) until the index holds everything the stream held when
   * asked, so a read here reflects every append any server acknowledged before it, and a listing
   * after a reset is not a half-rebuilt one. False when it could not: NATS did not answer, or the
   * index did not get there in time.
   */
  boolean catchUp(long timeoutMillis) throws InterruptedException {
    try {
      long[] before = asked();
      see(before, keeper.ensure()); // a stream lost a moment ago is not listed from the old index
    } catch (java.io.IOException | io.nats.client.JetStreamApiException e) {
      return false;
    }
    long target;
    synchronized (this) {
      target = Math.max(rebuildTo, streamLast);
    }
    return awaitApplied(target, timeoutMillis);
  }

  /** Ids below this were the lost stream's (0 when this server saw no loss). */
  synchronized long incarnationFirst() {
    return incarnationFirst;
  }

  /** The highest id any server is known to have handed out. */
  long highWater() {
    return highWater.get();
  }

  synchronized long applied() {
    return applied;
  }

  /** Changes whenever the stream was lost or replaced; readers resync when it does. */
  int epoch() {
    return epoch;
  }

  /** Messages in the stream this index has not applied yet (sampled every second). */
  synchronized long lag() {
    return Math.max(0, streamLast - applied);
  }

  /** The last event id of any replay the subscription covers (0 when none). */
  synchronized long lastMatching(Subscription filter) {
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

  /** Worlds a retained replay uses. */
  synchronized java.util.Set<String> worldsInUse() {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (ReplayEntry e : replays.values()) out.add(e.worldRef);
    return out;
  }

  ReplayCatalog catalog() {
    return catalog;
  }

  private static dev.echelon.server.log.ChunkTally tally(String base64) {
    try {
      return dev.echelon.server.log.ChunkTally.decode(Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      return null; // not ours to refuse: the chunk is listed, its match untold
    }
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
    try {
      thread.join(5_000); // a stream it was making again is opened before the connection closes
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
