package dev.echelon.server.jetstream;

import dev.echelon.server.NatsSettings;
import dev.echelon.server.base.ApiException;
import dev.echelon.server.log.Appended;
import dev.echelon.server.log.EventReader;
import dev.echelon.server.log.ReplayCatalog;
import dev.echelon.server.log.Payload;
import dev.echelon.server.log.PushedChunk;
import dev.echelon.server.log.ReplayLog;
import dev.echelon.server.log.Subscription;
import dev.echelon.server.log.WorldStore;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.StreamContext;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The replay log on NATS JetStream, shared by several stateless servers: appends go through
 * {@link Appender} (deduplicated, ordered per replay, acknowledged once stored on the replicas),
 * listings and rules read this server's {@link StreamIndex}, viewers are {@link JetStreamReader}s
 * (ordered consumers at their event id) and worlds live in an Object Store bucket. The connection
 * reconnects for ever; while NATS is away, appends answer 503 and {@link #available()} is false.
 */
public final class JetStreamLog implements ReplayLog {
  /** JetStream's answer to a get of a message the stream does not hold. */
  private static final int NO_MESSAGE_FOUND = 10037;
  private static final Logger LOG = System.getLogger(JetStreamLog.class.getName());
  /** How long a read waits for this server's index to hold what the stream holds. */
  private static final Duration CATCH_UP = Duration.ofSeconds(5);

  /**
   * How the log is opened. {@code runsDir} keeps only the highest event id handed out
   * ({@link HighWater}); replays and worlds live in NATS.
   */
  public record Settings(NatsSettings nats, java.nio.file.Path runsDir, long retainMaxBytes, int maxChunks,
      int worldCacheMax, long worldCacheBytes, long tailCacheBytes, Duration worldRetain) {}

  private final NatsSettings settings;
  private final Connection nc;
  private final StreamContext stream;
  private final Subjects subjects;
  private final StreamIndex index;
  private final HighWater highWater;
  private final ObjectWorldStore worlds;
  /** Counts reconnections: consumers made before one are made again (a restarted server forgets them). */
  private final java.util.concurrent.atomic.AtomicLong reconnects;
  private final Appender appender;
  private final EndPublisher ends;
  private final java.util.concurrent.ScheduledExecutorService sweeper;
  /** Recent chunk payloads by sequence, shared by every viewer of this server: fetched and inflated once. */
  private final dev.echelon.server.base.BoundedCache<Long, Payload> tail;
  private volatile boolean closed;

  private JetStreamLog(Settings o, Connection nc, java.util.concurrent.atomic.AtomicLong reconnects)
      throws IOException, JetStreamApiException, InterruptedException {
    NatsSettings settings = o.nats();
    long retainMaxBytes = o.retainMaxBytes();
    this.settings = settings;
    this.reconnects = reconnects;
    this.nc = nc;
    this.subjects = new Subjects(settings.stream());
    StreamConfiguration config = StreamConfiguration.builder().name(settings.stream()).subjects(subjects.all())
        .storageType(StorageType.File).replicas(settings.replicas()).maxBytes(retainMaxBytes)
        .discardPolicy(DiscardPolicy.Old).duplicateWindow(Duration.ofMinutes(10)).build();
    this.highWater = new HighWater(nc, "_" + settings.stream() + ".highwater", // outside the stream's subjects
        o.runsDir() == null ? null : o.runsDir().resolve("nats-" + settings.stream() + ".highwater"));
    StreamKeeper keeper = new StreamKeeper(nc.jetStreamManagement(), config, highWater);
    var info = keeper.ensure();
    highWater.raise(info.getStreamState().getLastSequence());
    this.stream = nc.getStreamContext(settings.stream());
    this.worlds = new ObjectWorldStore(nc, settings.stream() + "_WORLDS", settings.replicas(), o.worldCacheMax(),
        o.worldCacheBytes(), Math.max(64L << 20, retainMaxBytes));
    this.ends = new EndPublisher(nc.jetStream(), settings.stream());
    this.index = new StreamIndex(stream, keeper, highWater, subjects.all(), o.maxChunks(), reconnects, ends::completed,
        worlds::forgetCached);
    index.start(info, Duration.ofSeconds(60));
    ends.start(index);
    this.tail = dev.echelon.server.base.BoundedCache.weighed(4096, Math.max(1, o.tailCacheBytes()), // 0: nothing is kept
        p -> p.plainLength() + p.deflatedBytes().length);
    this.appender = new Appender(nc, nc.jetStream(), settings.stream(), stream, subjects, index, highWater, tail);
    this.sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "echelon-jetstream-upkeep");
      t.setDaemon(true);
      return t;
    });
    // worlds no retained replay uses go once unused for the retention time, as in the file log
    sweeper.scheduleWithFixedDelay(() -> worlds.retain(index.worldsInUse(), o.worldRetain()), 1, 10,
        java.util.concurrent.TimeUnit.MINUTES);
    sweeper.scheduleWithFixedDelay(highWater::save, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    sweeper.scheduleWithFixedDelay(highWater::beat, 0, HighWater.BEAT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Connects to NATS and opens (creating if needed) the stream and the worlds bucket. */
  public static JetStreamLog open(Settings options) {
    NatsSettings settings = options.nats();
    var reconnects = new java.util.concurrent.atomic.AtomicLong();
    Options.Builder o = new Options.Builder().servers(settings.servers().toArray(String[]::new))
        .connectionName("echelon-server").maxReconnects(-1).reconnectWait(Duration.ofMillis(500))
        .connectionTimeout(Duration.ofSeconds(3)).errorListener(new QuietErrors())
        .connectionListener((conn, event) -> {
          if (event == io.nats.client.ConnectionListener.Events.RECONNECTED) reconnects.incrementAndGet();
          if (event == io.nats.client.ConnectionListener.Events.DISCONNECTED
              || event == io.nats.client.ConnectionListener.Events.RECONNECTED) {
            LOG.log(Level.INFO, "NATS: " + event.name().toLowerCase(java.util.Locale.ROOT));
          }
        });
    if (settings.credsFile() != null) o.authHandler(Nats.credentials(settings.credsFile()));
    if (settings.user() != null) o.userInfo(settings.user(), settings.password());
    if (settings.token() != null) o.token(settings.token().toCharArray());
    Connection nc;
    try {
      nc = Nats.connect(o.build());
    } catch (IOException e) {
      String where = String.join(",", settings.servers());
      if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("authoriz")) {
        throw new IllegalStateException("NATS at " + where + " refused our login (" + e.getMessage() + "); set"
            + " ECHELON_NATS_TOKEN, ECHELON_NATS_USER and ECHELON_NATS_PASSWORD, or ECHELON_NATS_CREDS", e);
      }
      throw new IllegalStateException("cannot reach NATS at " + where + " (" + e.getMessage()
          + "); start it (nats-server -js) or fix ECHELON_LOG", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to NATS", e);
    }
    try {
      return new JetStreamLog(options, nc, reconnects);
    } catch (Exception e) {
      try {
        nc.close();
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot open the JetStream log on " + settings + ": " + e.getMessage()
          + " (is JetStream enabled? nats-server -js)", e);
    }
  }

  /**
   * Brings the index up to the stream before a read, or answers 503: a server that cannot see the
   * stream now (behind it, or cut off from NATS) might list a replay the stream has lost since, so
   * it says so rather than answer from a view it cannot confirm; {@code /health} says the same.
   */
  private void catchUp() {
    try {
      if (index.catchUp(CATCH_UP.toMillis())) return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw ApiException.unavailable(nc.getStatus() == Connection.Status.CONNECTED
        ? "this server's view of the NATS log is behind the stream; retry shortly"
        : "this server cannot reach NATS now, so it cannot confirm what the log holds; retry shortly");
  }

  @Override public String backend() {
    return "nats";
  }

  @Override public WorldStore worlds() {
    return worlds;
  }

  @Override public Appended append(PushedChunk c, Function<PushedChunk, Payload> encode) {
    if (closed) throw ApiException.unavailable("the server is shutting down; retry in a moment");
    return appender.append(c, encode);
  }

  @Override public EventReader reader(Long afterId, Subscription filter) {
    return new JetStreamReader(this, afterId, filter);
  }

  /** What every server acknowledged before this call: listings agree whichever server answers them. */
  @Override public ReplayCatalog catalog() {
    catchUp();
    return index.catalog();
  }

  @Override public List<Integer> chunkIndices(String replayId) {
    return index.chunkIndices(replayId);
  }

  @Override public Optional<Payload> chunk(String replayId, int chunkIndex) {
    Long seq = index.chunkSequence(replayId, chunkIndex);
    if (seq == null) {
      catchUp(); // another server may have stored it a moment ago
      seq = index.chunkSequence(replayId, chunkIndex);
    }
    if (seq == null) return Optional.empty();
    try {
      return Optional.of(payloadAt(seq));
    } catch (ApiException e) {
      if (e.status() == 404) return Optional.empty(); // removed by the stream's limits
      throw e;
    }
  }

  /**
   * The payload of the chunk message at {@code seq}: from the tail cache, else fetched by sequence
   * once (concurrent viewers wait for the same fetch).
   *
   * @throws ApiException 503 when NATS is unreachable, 404 when the message is gone
   */
  Payload payloadAt(long seq) {
    return tail.get(seq, s -> {
      try {
        Payload p = payload(stream.getMessage(s));
        if (p == null) throw ApiException.notFound("message " + s + " is not a chunk");
        return p;
      } catch (JetStreamApiException e) {
        // gone only when NATS says no such message and it lies below the stream's first: any other answer
        // (an election, a cluster catching up) says nothing about it, and a reader must not skip it
        if (e.getApiErrorCode() == NO_MESSAGE_FOUND && s < index.firstSequence()) {
          throw ApiException.notFound("chunk message " + s + " was removed by the stream's limits");
        }
        throw ApiException.unavailable("the NATS JetStream log could not read message " + s + " now ("
            + e.getMessage() + "); retry shortly");
      } catch (IOException | IllegalStateException e) { // IllegalStateException: the connection is closing
        throw ApiException.unavailable("the NATS JetStream log is unreachable (" + e.getMessage() + "); retry shortly");
      }
    });
  }

  /** A chunk message's payload; null when it is not a chunk. */
  static Payload payload(MessageInfo m) {
    Headers h = m.getHeaders();
    if (h == null || !Subjects.CHUNK.equals(h.getFirst(Subjects.KIND))) return null;
    return Payload.ofDeflated(m.getData(), Long.parseLong(h.getFirst(Subjects.PLAIN)),
        Integer.parseInt(h.getFirst(Subjects.CRC)));
  }

  @Override public long headEventId() {
    return index.applied();
  }

  @Override public boolean available() {
    return !closed && nc.getStatus() == Connection.Status.CONNECTED && index.following();
  }

  StreamContext stream() {
    return stream;
  }

  Subjects subjects() {
    return subjects;
  }

  /** Reconnections so far; a consumer made before the latest one is made again. */
  long reconnects() {
    return reconnects.get();
  }

  StreamIndex index() {
    return index;
  }

  /** Publishes so far, their total time, and messages the index has yet to apply: for /metrics. */
  public long publishCount() {
    return appender.publishes.sum();
  }

  public long publishNanos() {
    return appender.publishNanos.sum();
  }

  public long indexLag() {
    return index.lag();
  }

  /** Times the stream was found lost or replaced and the index rebuilt. */
  public long streamResets() {
    return index.resets.sum();
  }

  /** Replays dropped because the stream's limits evicted their start. */
  public long evictedReplays() {
    return index.evictedReplays.sum();
  }

  @Override public void close() {
    closed = true;
    sweeper.shutdownNow();
    ends.close();
    index.close();
    highWater.close();
    try {
      nc.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** jnats reports every reconnect attempt on stderr by default; one line per state change is enough. */
  private static final class QuietErrors implements io.nats.client.ErrorListener {
    @Override public void errorOccurred(Connection conn, String error) {
      LOG.log(Level.WARNING, "NATS: " + error);
    }

    @Override public void exceptionOccurred(Connection conn, Exception exp) {
      LOG.log(Level.DEBUG, "NATS: " + exp);
    }
  }
}
