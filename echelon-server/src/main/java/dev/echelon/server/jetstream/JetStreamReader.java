package dev.echelon.server.jetstream;

import dev.echelon.server.log.EventReader;
import dev.echelon.server.log.LogEvent;
import dev.echelon.server.log.Payload;
import dev.echelon.server.log.ReplaySummary;
import dev.echelon.server.log.Subscription;
import io.nats.client.IterableConsumer;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.impl.Headers;
import java.util.HashSet;
import java.util.Set;

/**
 * A viewer as an ordered JetStream consumer on its subscription's subject filter, starting after
 * its event id (the stream sequence), so {@code Last-Event-ID} resumes through any server. A
 * viewer without one starts at the latest replay it covers, as with the file log; one whose events
 * the stream's limits removed gets a RESYNC first. When NATS goes away the consumer is made again
 * from the position once it is back.
 */
final class JetStreamReader implements EventReader {
  private final JetStreamLog log;
  private final Subscription filter;
  private long position;
  /** Set when joining at the latest replay: events of replays started before it are skipped. */
  private long startFloor;
  private final Set<String> started = new HashSet<>();
  private String resync;
  private IterableConsumer consumer;
  private long consumerFrom = -1;
  private long reconnects;
  private volatile boolean woken;
  /** The stream this reader's ids come from: when it is lost or replaced, the viewer resyncs. */
  private int epoch;
  private long tombstonesSeen;

  JetStreamReader(JetStreamLog log, Long afterId, Subscription filter) {
    this.log = log;
    this.filter = filter;
    StreamIndex index = log.index();
    epoch = index.epoch();
    tombstonesSeen = index.evicted.count();
    if (afterId == null) {
      startAtLatest();
    } else if (afterId < 0 || !known(index, afterId)) {
      resync = "event " + afterId + " is unknown to this log (no server handed it out)";
      startAtLatest();
    } else if (afterId < index.incarnationFirst()) {
      resync = "the NATS stream was lost or replaced; what this viewer read before it is gone";
      startAtLatest();
    } else if (afterId + 1 < index.firstSequence() || index.evicted.lost(afterId, filter, 0, 0)) {
      resync = "events after " + afterId + " were removed by the stream's retention limits";
      startAtLatest();
    } else {
      position = afterId;
    }
  }

  /**
   * Whether some server handed the id out, waiting (briefly) for this server's index to reach one
   * another server handed out a moment ago.
   */
  private static boolean known(StreamIndex index, long id) {
    try {
      if (id > index.highWater()) index.catchUp(5_000); // what the stream holds now raises the high water
      return id <= index.highWater() && (id < index.incarnationFirst() || index.awaitApplied(id, 5_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void startAtLatest() {
    position = log.index().catalog().joinPosition(filter, log.index().applied());
    startFloor = position + 1;
  }

  /** How often a waiting reader looks whether its viewer woke it (a probe, a keepalive). */
  private static final long WAKE_CHECK_NANOS = 400_000_000L;

  @Override public LogEvent poll(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    StreamIndex index = log.index();
    while (true) {
      LogEvent told = resyncIfLost(index);
      if (told != null) return told;
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      Message m;
      try {
        if (consumer == null || consumerFrom != position + 1 || reconnects != log.reconnects()) open();
        // a wake is seen between waits: a consumer's wait cannot be cut short from another thread
        m = consumer.nextMessage(Math.max(1, Math.min(left, WAKE_CHECK_NANOS) / 1_000_000));
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) { // NATS is away: wait, then make the consumer again from our position
        closeConsumer();
        Thread.sleep(Math.min(500, Math.max(1, left / 1_000_000)));
        continue;
      }
      if (m == null) {
        // the log has events for us but the consumer gave none: it was lost (a leader moved); make it again
        if (index.lastMatching(filter) > position) {
          closeConsumer();
          return null;
        }
        if (woken) {
          woken = false;
          return null;
        }
        continue;
      }
      if (woken) {
        woken = false;
        consumerFrom = -1; // this message is read again from the position
        closeConsumer();
        return null;
      }
      long seq = m.metaData().streamSequence();
      if (seq <= position) continue;
      LogEvent event;
      try {
        event = event(m, seq);
      } catch (dev.echelon.server.base.ApiException e) {
        if (e.status() != 404) { // NATS away: keep the position, read this event again later
          closeConsumer();
          Thread.sleep(Math.min(500, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
          continue;
        }
        event = null; // removed by the stream's limits meanwhile
      } catch (IllegalStateException e) { // the connection is closing or being made again: read it again later
        closeConsumer();
        Thread.sleep(Math.min(500, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        continue;
      } catch (NumberFormatException e) {
        event = null; // a header not ours
      }
      if (event == null && (index.evicted.count() != tombstonesSeen || index.epoch() != epoch)) {
        closeConsumer(); // its replay was just evicted or the stream replaced: decide on a resync before moving on
        continue;
      }
      position = seq;
      consumerFrom = seq + 1;
      if (event != null) return event;
    }
  }

  /** A RESYNC when the stream was replaced or its limits evicted what this viewer had not read; else null. */
  private LogEvent resyncIfLost(StreamIndex index) {
    if (index.epoch() != epoch) {
      epoch = index.epoch();
      closeConsumer();
      resync = "the NATS stream was lost or replaced; what this viewer read before it is gone";
      startAtLatest();
    }
    long seen = index.evicted.count();
    if (seen != tombstonesSeen) {
      if (index.evicted.lost(position, filter, startFloor, tombstonesSeen)) {
        closeConsumer();
        resync = "events after " + position + " were removed by the stream's retention limits before this viewer"
            + " read them";
        startAtLatest();
      }
      tombstonesSeen = seen;
    }
    if (resync == null) return null;
    String reason = resync;
    resync = null;
    return new LogEvent(position, LogEvent.Kind.RESYNC, index.catalog().latest(filter).orElse(null), -1, null, reason);
  }

  private void open() throws Exception {
    closeConsumer();
    // headers only: a chunk's body comes from the server's shared tail cache, fetched from NATS once
    OrderedConsumerConfiguration cfg = new OrderedConsumerConfiguration().filterSubject(log.subjects().filter(filter))
        .headersOnly(true).deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(position + 1);
    reconnects = log.reconnects();
    consumer = log.stream().createOrderedConsumer(cfg).iterate();
    consumerFrom = position + 1;
  }

  private LogEvent event(Message m, long seq) throws InterruptedException {
    Headers h = m.getHeaders();
    String id = h == null ? null : h.getFirst(Subjects.REPLAY);
    String kind = h == null ? null : h.getFirst(Subjects.KIND);
    if (id == null || kind == null) return null;
    if (!log.index().awaitApplied(seq, 2_000)) { // not "removed": the index is behind; read it again later
      throw dev.echelon.server.base.ApiException.unavailable("the NATS log index has not reached event " + seq);
    }
    ReplaySummary summary = log.index().summary(id);
    if (summary == null) return null; // removed meanwhile
    if (summary.firstEventId() < startFloor && !started.contains(id)) return null; // joined after it started
    switch (kind) {
      case Subjects.START -> {
        started.add(id);
        return new LogEvent(seq, LogEvent.Kind.START, summary, -1, null, null);
      }
      case Subjects.CHUNK -> {
        Payload p = log.payloadAt(seq);
        return new LogEvent(seq, LogEvent.Kind.CHUNK, summary, Integer.parseInt(h.getFirst(Subjects.INDEX)), p, null);
      }
      case Subjects.END -> {
        return new LogEvent(seq, LogEvent.Kind.END, summary, -1, null, null);
      }
      default -> {
        return null;
      }
    }
  }

  private void closeConsumer() {
    if (consumer != null) {
      try {
        consumer.close();
      } catch (Exception ignored) {
        // the connection is gone anyway
      }
      consumer = null;
    }
  }

  @Override public void wake() {
    woken = true; // seen when the consumer's wait ends (within WAKE_CHECK_NANOS)
  }

  @Override public long position() {
    return position;
  }

  @Override public void close() {
    closeConsumer();
  }
}
