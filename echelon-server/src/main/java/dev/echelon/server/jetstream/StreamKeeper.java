package dev.echelon.server.jetstream;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PurgeOptions;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.lang.System.Logger.Level;

/**
 * The stream itself: made at start-up or brought to the settings, and made again when NATS lost it
 * (a store wiped, a {@code nats stream rm}), with its sequence carried on past every id this server
 * or any live server ({@link HighWater}) has seen, so event ids never go back. A server that makes
 * the stream again makes it on a subject no publish can reach, moves its sequence on, and only then
 * gives it its real subjects: nothing another server publishes meanwhile can land below the ids
 * viewers already hold.
 */
final class StreamKeeper {
  private static final Logger LOG = System.getLogger(StreamKeeper.class.getName());
  static final int STREAM_NOT_FOUND = 10059;
  /** Another server's claim (its sealed subject differs from ours, so the configs differ). */
  static final int STREAM_NAME_IN_USE = 10058;
  /** How long a claimed stream waits before the ask: servers reconnect within NATS's 500 ms reconnect wait. */
  static final Duration GRACE = Duration.ofSeconds(1);
  /** A stream sealed this long was left half made: well past what its maker takes (GRACE, then an ask of up to 8 s). */
  static final Duration ABANDONED = Duration.ofSeconds(30);

  private final JetStreamManagement jsm;
  private final StreamConfiguration config;
  private final HighWater highWater;
  /** Set once the stream was seen: from then on, a missing stream was lost, not yet to be made. */
  private volatile boolean known;
  private java.time.ZonedDateTime makingSeen;
  private long makingSeenAt;

  StreamKeeper(JetStreamManagement jsm, StreamConfiguration config, HighWater highWater) {
    this.jsm = jsm;
    this.config = config;
    this.highWater = highWater;
  }

  String name() {
    return config.getName();
  }

  /** Whether {@code info} is a stream some server is still making (not open to publishes yet). */
  boolean making(StreamInfo info) {
    return info.getConfiguration().getSubjects().stream().anyMatch(x -> x.startsWith(config.getName() + "._making."));
  }

  /** A subject no publish reaches, and ours alone: a second claim differs in config, so NATS refuses it. */
  private String sealedSubject() {
    return config.getName() + "._making." + java.util.UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * The stream's info, making it first when it is missing (with its next sequence above every id
   * a live server has seen) and bringing its limits to the settings when they changed.
   */
  StreamInfo ensure() throws IOException, JetStreamApiException, InterruptedException {
    StreamInfo info;
    try {
      info = jsm.getStreamInfo(config.getName());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) throw e;
      return create();
    }
    known = true;
    if (making(info)) {
      if (!abandoned(info)) return info;
      LOG.log(Level.WARNING, "the JetStream stream " + config.getName() + " was left half made (since "
          + info.getCreateTime() + "); this server finishes making it");
      return finish(info);
    }
    StreamConfiguration now = info.getConfiguration();
    if (now.getMaxBytes() != config.getMaxBytes() || now.getReplicas() != config.getReplicas()) {
      // the settings changed since the stream was made: the stream follows them, or start-up says why not
      info = jsm.updateStream(config);
      LOG.log(Level.INFO, "updated the JetStream stream " + config.getName() + ": max_bytes " + now.getMaxBytes() + " -> "
          + config.getMaxBytes() + ", replicas " + now.getReplicas() + " -> " + config.getReplicas());
    }
    return info;
  }

  /**
   * Whether a stream this server followed is still missing a moment later. nats-server removes a
   * deleted stream's files after it forgets the name: a stream made again at once can have its new
   * files removed under it (seen with 2.9.10 after a {@code nats stream rm}), leaving a stream that
   * lists messages it cannot read.
   */
  private boolean stillMissing() throws IOException, JetStreamApiException, InterruptedException {
    Thread.sleep(GRACE.toMillis());
    try {
      jsm.getStreamInfo(config.getName());
      return false;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) throw e;
      return true;
    }
  }

  /** Makes the stream sealed; false when another server did first (its sealed subject differs from ours). */
  boolean claim() throws IOException, JetStreamApiException {
    try {
      jsm.addStream(StreamConfiguration.builder(config).subjects(sealedSubject()).build());
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NAME_IN_USE) return false;
      throw e; // not made, not by anyone (a cluster short of peers, say): the caller tries again
    }
  }

  private StreamInfo create() throws IOException, JetStreamApiException, InterruptedException {
    if (known && !stillMissing()) return jsm.getStreamInfo(config.getName());
    if (!claim()) return jsm.getStreamInfo(config.getName()); // another server is making it: use theirs
    // the stream is claimed; servers still reconnecting to a NATS that just came back answer the ask by then
    boolean interrupted = false;
    try {
      Thread.sleep(GRACE.toMillis());
    } catch (InterruptedException closing) {
      interrupted = true; // a server closing finishes what it claimed rather than leave it sealed
    }
    try {
      return open(jsm.getStreamInfo(config.getName()));
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /**
   * Finishes a stream another server left sealed, unless that server (or a third) opened it
   * meanwhile: a purge of an open stream would remove messages already acknowledged.
   */
  StreamInfo finish(StreamInfo sealed) throws IOException, JetStreamApiException, InterruptedException {
    long next = highWater.everywhere() + 1; // asked before looking again: the look is the latest word
    StreamInfo now = jsm.getStreamInfo(config.getName());
    if (!making(now) || !now.getCreateTime().equals(sealed.getCreateTime())) return now;
    return open(now, next);
  }

  /** Moves a sealed stream's sequence past every id a live server has seen, then opens it to publishes. */
  private StreamInfo open(StreamInfo sealed) throws IOException, JetStreamApiException, InterruptedException {
    // asked only now: an id acknowledged before the stream was sealed is in some server's answer
    return open(sealed, highWater.everywhere() + 1);
  }

  private StreamInfo open(StreamInfo sealed, long next) throws IOException, JetStreamApiException {
    if (next > Math.max(1, sealed.getStreamState().getFirstSequence())) {
      jsm.purgeStream(config.getName(), PurgeOptions.builder().sequence(next).build());
    }
    StreamInfo info = jsm.updateStream(config);
    LOG.log(Level.INFO, "created the JetStream stream " + config.getName() + " (" + String.join(",", config.getSubjects())
        + ", R" + config.getReplicas() + (next > 1 ? ", continuing at sequence " + next : "") + ")");
    return info;
  }

  /** True once the same sealed stream was seen for {@link #ABANDONED}: its maker died or NATS restarted under it. */
  private synchronized boolean abandoned(StreamInfo info) {
    if (!info.getCreateTime().equals(makingSeen)) {
      makingSeen = info.getCreateTime();
      makingSeenAt = System.nanoTime();
      return false;
    }
    return System.nanoTime() - makingSeenAt > ABANDONED.toNanos();
  }
}
