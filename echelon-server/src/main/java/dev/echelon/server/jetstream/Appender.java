package dev.echelon.server.jetstream;

import dev.echelon.server.base.ApiException;
import dev.echelon.server.log.Appended;
import dev.echelon.server.log.Payload;
import dev.echelon.server.log.PushedChunk;
import dev.echelon.server.log.ReplayRules;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Appends to the JetStream log. A chunk is checked against this server's index, then published
 * with {@code Nats-Msg-Id = <replay>.<index>} (a retry through any server is a duplicate there
 * too) and the replay subject's expected last sequence (so appends to one replay through
 * different servers are ordered and checked against the same state: a stale view is refused by
 * JetStream and decided again once the index has caught up). It returns once JetStream stored
 * the message on its replicas. START is a message of its own; END is published by
 * {@link EndPublisher} once any server's index sees the replay complete.
 */
final class Appender {
  private static final Logger LOG = System.getLogger(Appender.class.getName());
  private static final int WRONG_LAST_SEQUENCE = 10071;
  private static final int ATTEMPTS = 8;
  /** An append gives up (503, the trainer retries) rather than hold a request longer than this. */
  private static final Duration APPEND_DEADLINE = Duration.ofSeconds(15);

  private final Connection nc;
  private final JetStream js;
  private final String streamName;
  private final StreamContext stream;
  private final Subjects subjects;
  private final StreamIndex index;
  private final HighWater highWater;
  final LongAdder publishes = new LongAdder();
  final LongAdder publishNanos = new LongAdder();

  private final dev.echelon.server.base.BoundedCache<Long, Payload> tail;

  Appender(Connection nc, JetStream js, String streamName, StreamContext stream, Subjects subjects, StreamIndex index,
      HighWater highWater, dev.echelon.server.base.BoundedCache<Long, Payload> tail) {
    this.highWater = highWater;
    this.tail = tail;
    this.nc = nc;
    this.js = js;
    this.streamName = streamName;
    this.stream = stream;
    this.subjects = subjects;
    this.index = index;
  }

  Appended append(PushedChunk c, Function<PushedChunk, Payload> encode) {
    Payload payload = null;
    long deadline = System.nanoTime() + APPEND_DEADLINE.toNanos();
    for (int attempt = 1; ; attempt++) {
      ReplayEntry e = index.copy(c.replayId());
      if (e != null) {
        ReplayRules.check(e.worldRef, e.total, e.highest, c);
        if (e.chunks.containsKey(c.chunkIndex())) {
          return new Appended(true, c.replayId(), c.chunkIndex(), e.total, false, false, e.runName,
              e.chunks.get(c.chunkIndex()));
        }
      }
      if (payload == null) payload = encode.apply(c);
      try {
        return publish(e, c, payload);
      } catch (JetStreamApiException wrong) {
        if (wrong.getApiErrorCode() != WRONG_LAST_SEQUENCE || attempt >= ATTEMPTS || System.nanoTime() > deadline) {
          throw unavailable(c, wrong);
        }
        catchUp(deadline); // another server appended to this replay: decide again on its state
      } catch (IOException down) {
        throw unavailable(c, down);
      }
    }
  }

  private Appended publish(ReplayEntry e, PushedChunk c, Payload payload) throws IOException, JetStreamApiException {
    boolean fresh = e == null;
    String subject = fresh ? subjects.replay(c.runName(), c.replayId()) : e.subject;
    long expected = fresh ? 0 : e.lastEventId;
    if (fresh) {
      Headers h = headers(c, Subjects.START);
      expected = send(subject, h, new byte[0], c.replayId() + ".start", expected).getSeqno();
    }
    Headers h = headers(c, Subjects.CHUNK);
    h.add(Subjects.INDEX, String.valueOf(c.chunkIndex()));
    h.add(Subjects.LAST, String.valueOf(c.last()));
    h.add(Subjects.FRAMES, String.valueOf(c.frameCount()));
    h.add(Subjects.PLAIN, String.valueOf(payload.plainLength()));
    h.add(Subjects.CRC, String.valueOf(payload.crc32()));
    String tally = Base64.getEncoder().encodeToString(c.tally().encode());
    h.add(Subjects.TALLY, tally);
    byte[] body = payload.deflatedBytes();
    if (body.length + 4096L + tally.length() > nc.getMaxPayload()) {
      throw ApiException.tooLarge("chunk " + c.chunkIndex() + " of replay " + c.replayId() + " is " + body.length
          + " bytes deflated, more than the NATS server's max_payload (" + nc.getMaxPayload() + "); raise max_payload"
          + " in nats-server.conf (up to 64MB) or push smaller chunks");
    }
    PublishAck ack = send(subject, h, body, c.replayId() + "." + c.chunkIndex(), expected);
    if (!ack.isDuplicate()) tail.put(ack.getSeqno(), payload); // viewers of this server need not fetch it back
    awaitIndexed(ack.getSeqno());
    ReplayEntry now = index.copy(c.replayId());
    // its end is published by whichever server's index sees it complete first (EndPublisher)
    boolean ended = !ack.isDuplicate() && now != null && now.complete() && (e == null || !e.complete());
    return new Appended(ack.isDuplicate(), c.replayId(), c.chunkIndex(), now == null ? null : now.total,
        fresh && !ack.isDuplicate(), ended, now == null ? c.runName() : now.runName, ack.getSeqno());
  }

  private PublishAck send(String subject, Headers h, byte[] body, String msgId, long expectedLastSubjectSeq)
      throws IOException, JetStreamApiException {
    PublishOptions.Builder po = PublishOptions.builder().expectedStream(streamName).messageId(msgId);
    if (expectedLastSubjectSeq >= 0) po.expectedLastSubjectSequence(expectedLastSubjectSeq);
    long t0 = System.nanoTime();
    PublishAck ack = js.publish(NatsMessage.builder().subject(subject).headers(h).data(body).build(), po.build());
    highWater.raise(ack.getSeqno()); // known before anyone is told the id
    publishNanos.add(System.nanoTime() - t0);
    publishes.increment();
    return ack;
  }

  private Headers headers(PushedChunk c, String kind) {
    Headers h = new Headers();
    h.add(Subjects.KIND, kind);
    h.add(Subjects.REPLAY, c.replayId());
    h.add(Subjects.WORLD, c.worldRef());
    h.add(Subjects.AT, String.valueOf(System.currentTimeMillis()));
    if (c.knownTotal() != null) h.add(Subjects.COUNT, String.valueOf(c.knownTotal()));
    if (c.meta() != null) h.add(Subjects.META, Base64.getEncoder().encodeToString(c.meta()));
    if (c.run() != null) h.add(Subjects.RUN, Base64.getEncoder().encodeToString(c.run()));
    return h;
  }

  private void awaitIndexed(long seq) {
    try {
      if (!index.awaitApplied(seq, 5_000)) {
        LOG.log(Level.WARNING, "NATS log: the index is more than 5 s behind the stream (at " + index.applied()
            + ", need " + seq + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted while waiting for the NATS log");
    }
  }

  private void catchUp(long deadline) {
    try {
      long last = stream.getStreamInfo().getStreamState().getLastSequence();
      if (!index.awaitApplied(last, Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) {
        throw ApiException.unavailable("this server's view of the NATS log is behind; retry shortly");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted while waiting for the NATS log");
    } catch (IOException | JetStreamApiException e) {
      throw ApiException.unavailable("the NATS JetStream log is unreachable (" + e.getMessage() + "); retry shortly");
    }
  }

  private ApiException unavailable(PushedChunk c, Exception e) {
    LOG.log(Level.WARNING, "NATS log: chunk " + c.chunkIndex() + " of replay " + c.replayId() + " not stored: "
        + e.getMessage());
    return ApiException.unavailable("the NATS JetStream log did not store chunk " + c.chunkIndex() + " of replay "
        + c.replayId() + " (" + e.getMessage() + "); nothing was acknowledged, retry shortly");
  }
}
