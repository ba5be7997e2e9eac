package dev.echelon.server;

import dev.echelon.server.base.Metrics;
import dev.echelon.server.http.Routes;
import dev.echelon.server.live.Viewers;
import dev.echelon.server.jetstream.JetStreamLog;
import dev.echelon.server.log.FileReplayLog;
import dev.echelon.server.log.ReplayLog;
import dev.echelon.server.log.Storage;
import dev.echelon.server.nav.NavGraphs;
import io.helidon.webserver.WebServer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.InstantSource;

/**
 * A running Echelon server. Tests and tools start one in-process with {@link #start(ServerConfig)};
 * {@link Main} is the command line around it. It wires the layers: the replay log at the bottom,
 * the viewers reading it, nav beside them, and the HTTP services on top.
 */
public final class EchelonServer implements AutoCloseable {
  private static final Logger LOG = System.getLogger(EchelonServer.class.getName());
  private static final int SOCKET_BUFFER = 256 * 1024;

  private final ServerConfig config;
  private final Metrics metrics = new Metrics();
  private final ReplayLog log;
  private final Viewers viewers;
  private final NavGraphs nav;
  private WebServer server;
  private AutoCloseable routes;

  private EchelonServer(ServerConfig config, Storage storage, InstantSource clock) {
    this.config = config;
    try {
      storage.createDirectories(config.runsDir(), config.fsync());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create ECHELON_RUNS_DIR " + config.runsDir().toAbsolutePath()
          + ": " + e.getMessage() + "; point ECHELON_RUNS_DIR at a writable folder", e);
    }
    for (String w : config.warnings()) LOG.log(Level.WARNING, w);
    this.log = openLog(config, storage, clock);
    // framed chunks (gzip ones a tenth of their plain size) as many bytes as the tail cache
    this.viewers = new Viewers(config.sseMaxClients(), config.sseStall(), config.sseKeepalive(),
        config.tailCacheBytes(), metrics);
    this.nav = new NavGraphs(log.worlds(), new NavGraphs.Limits(config.navMaxVoxels(), config.navMaxBytes(),
        config.navCacheBytes(), config.navCacheMax(), config.navMaxExpansions()), metrics);
    metrics.bind(viewers::count, log.worlds()::stats, nav::stats);
    metrics.gauge("echelon_log_last_event_id", "Id of the last event viewers can read.", log::headEventId);
    metrics.gauge("echelon_nav_cache_bytes", "Bytes of nav graphs held in memory.", nav::cachedBytes);
    metrics.gauge("echelon_sse_frame_cache_bytes", "Bytes of events framed once and shared by viewers.",
        viewers::framedBytes);
    metrics.gauge("echelon_log_available", "1 while the log backend takes appends, else 0.", () -> log.available() ? 1 : 0);
    metrics.gauge("echelon_log_backend_nats", "1 when the replay log is NATS JetStream, 0 for the file log.",
        () -> log instanceof JetStreamLog ? 1 : 0);
    if (log instanceof JetStreamLog nats) {
      metrics.gauge("echelon_nats_publishes_total", "Messages published to JetStream.", nats::publishCount);
      metrics.gauge("echelon_nats_publish_microseconds_total", "Time spent waiting for JetStream publish acks"
          + " (divide by echelon_nats_publishes_total for the mean latency).", () -> nats.publishNanos() / 1000);
      metrics.gauge("echelon_nats_index_lag_messages", "Stream messages this server's index has not applied yet.",
          nats::indexLag);
      metrics.gauge("echelon_nats_stream_resets_total", "Times the stream was found lost or replaced and the index"
          + " rebuilt from what it held.", nats::streamResets);
      metrics.gauge("echelon_nats_evicted_replays_total", "Replays dropped because the stream's limits evicted their"
          + " start.", nats::evictedReplays);
    }
  }

  private static ReplayLog openLog(ServerConfig config, Storage storage, InstantSource clock) {
    if (config.nats() != null) {
      LOG.log(Level.INFO, "replay log: " + config.nats());
      return JetStreamLog.open(new JetStreamLog.Settings(config.nats(), config.runsDir(), config.retainMaxBytes(),
          config.maxChunks(), config.worldCacheMax(), config.worldCacheBytes(), config.tailCacheBytes(),
          java.time.Duration.ofDays(config.worldRetainDays())));
    }
    return FileReplayLog.open(new FileReplayLog.Options(config.runsDir(), config.fsync(), config.tailCacheBytes(),
        config.retainMaxBytes(), config.retainMaxReplays(), config.worldCacheMax(), config.worldCacheBytes(),
        java.time.Duration.ofDays(config.worldRetainDays()), config.sseStall()), storage, clock);
  }

  /** Starts a server; with port 0 it picks a free port, see {@link #port()}. */
  public static EchelonServer start(ServerConfig config) {
    return start(config, Storage.disk(), InstantSource.system());
  }

  /**
   * Starts a server whose file log keeps its files on {@code storage} and tells time by
   * {@code clock}: the seams through which fault tests lose unforced bytes and move time on.
   */
  public static EchelonServer start(ServerConfig config, Storage storage, InstantSource clock) {
    checkPortFree(config);
    EchelonServer s = new EchelonServer(config, storage, clock);
    try {
      s.server = WebServer.builder()
          .host(config.host())
          .port(config.port())
          .maxPayloadSize(config.maxBodyBytes() * 2) // a backstop: BodyLimits answers 413 with a JSON detail first
          // Helidon's default 32 KiB socket buffers cost ~20 ms of CPU per pushed MB on loopback; 256 KiB cost ~3.5
          .connectionOptions(o -> o.socketReceiveBufferSize(SOCKET_BUFFER).socketSendBufferSize(SOCKET_BUFFER)
              .readTimeout(config.requestTimeout())) // a stalled upload or an idle connection is closed
          .writeBufferSize(64 * 1024)
          .shutdownHook(false)
          .shutdownGracePeriod(Duration.ofMillis(500))
          .contentEncoding(Routes.contentCoding())
          .directHandlers(dev.echelon.server.http.ErrorMapping.directHandlers()) // Helidon's own 4xx answers, as JSON
          .routing(r -> s.routes = Routes.register(r, s.httpSettings(), s.log, s.viewers, s.nav, s.metrics))
          .build()
          .start();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    if (s.server.port() <= 0) { // Helidon logs a failed bind and carries on without a listener
      s.close();
      throw new IllegalStateException(portTaken(config));
    }
    LOG.log(Level.INFO, "Echelon server on http://" + displayHost(config.host()) + ":" + s.port()
        + "/ (" + (config.nats() != null ? "log on " + config.nats() : "runs in " + config.runsDir().toAbsolutePath()
        + ", " + (config.fsync() ? "fsync on" : "FSYNC OFF")) + ")");
    return s;
  }

  /** Fails with one clear line when the port is taken, before anything is opened (Helidon would log a stack trace). */
  private static void checkPortFree(ServerConfig config) {
    if (config.port() == 0) return;
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(config.host(), config.port()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(portTaken(config));
    }
  }

  private static String portTaken(ServerConfig config) {
    return "port " + config.port() + " on " + config.host() + " is already in use: stop what listens there, or pick"
        + " another port with --port or ECHELON_PORT";
  }

  private Routes.Settings httpSettings() {
    return new Routes.Settings(config.pushToken(), config.maxBodyBytes(), config.maxDecodedBytes(),
        config.maxWorldBytes(), config.maxInflightBytes(), config.maxChunks(), config.requestTimeout());
  }

  public int port() {
    return server.port();
  }

  public ServerConfig config() {
    return config;
  }

  /**
   * Closes every viewer stream, then stops accepting requests, then closes the log; the log is
   * closed (and RUNS_DIR released) even when stopping what is above it fails.
   */
  @Override public void close() {
    try {
      viewers.close();
      if (server != null && server.isRunning()) server.stop();
      if (routes != null) routes.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "stopping the web server: " + e);
    } finally {
      log.close();
    }
  }

  private static String displayHost(String host) {
    return "0.0.0.0".equals(host) ? "localhost" : host;
  }
}
