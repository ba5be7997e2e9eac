package dev.echelon.server;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.time.Duration;

/**
 * A running Echelon server. Tests and tools start one in-process with {@link #start(ServerConfig)};
 * {@link Main} is the command line around it.
 */
public final class EchelonServer implements AutoCloseable {
  private static final Logger LOG = System.getLogger(EchelonServer.class.getName());
  /** The WebJar version bundled by echelon-viewer; the import map points here. */
  static final String THREE_WEBJAR = "META-INF/resources/webjars/three/0.181.1";

  private final ServerConfig config;
  private final Metrics metrics = new Metrics();
  private final WorldStore worlds;
  private final Broadcaster broadcaster;
  private final NavService nav;
  private final ReplayArchive archive;
  private final ReplayHub hub;
  private WebServer server;

  private EchelonServer(ServerConfig config) {
    this.config = config;
    try {
      Files.createDirectories(config.runsDir());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create ECHELON_RUNS_DIR " + config.runsDir().toAbsolutePath()
          + ": " + e.getMessage() + "; point ECHELON_RUNS_DIR at a writable folder", e);
    }
    this.worlds = new WorldStore(config.runsDir(), config.worldCacheMax());
    this.broadcaster = new Broadcaster(config.sseMaxClients(), config.sseQueueEvents(),
        config.sseBroadcastTimeout(), metrics);
    this.archive = new ReplayArchive(config.runsDir(), config.retainMaxBytes(), config.retainMaxReplays());
    this.hub = new ReplayHub(worlds, archive, broadcaster);
    this.nav = new NavService(worlds, config.navCacheMax(), config.navMaxVoxels(), metrics);
    metrics.bind(broadcaster::clientCount, worlds::stats, nav::stats);
  }

  /** Starts a server; with port 0 it picks a free port, see {@link #port()}. */
  public static EchelonServer start(ServerConfig config) {
    EchelonServer s = new EchelonServer(config);
    s.server = WebServer.builder()
        .host(config.host())
        .port(config.port())
        .maxPayloadSize(config.maxBodyBytes() * 16) // a backstop: BodyLimits answers 413 with a JSON detail first
        .shutdownHook(false)
        .shutdownGracePeriod(Duration.ofMillis(500))
        .contentEncoding(c -> c.contentEncodingsDiscoverServices(false)
            .addContentEncoding(new GzipDecoding(config.maxBodyBytes(), config.maxDecodedBytes()))
            .addContentEncoding(new GzipDecoding.Unsupported()))
        .routing(s::routing)
        .build()
        .start();
    LOG.log(Level.INFO, "Echelon server on http://" + displayHost(config.host()) + ":" + s.port()
        + "/ (runs in " + config.runsDir().toAbsolutePath() + ")");
    return s;
  }

  /** Every route of the server; tests reuse it. */
  void routing(HttpRouting.Builder routing) {
    PushAuth auth = new PushAuth(config.pushToken());
    BodyLimits limits = new BodyLimits(config.maxBodyBytes(), config.maxDecodedBytes());
    ErrorMapping.register(routing);
    routing.addFilter((chain, req, res) -> {
      chain.proceed();
      if (res.status().code() >= 400) metrics.requestErrors.increment();
    });
    routing.register(new StatusService(broadcaster::clientCount, metrics))
        .register("/worlds", new WorldService(worlds, auth, metrics, limits))
        .register("/push", new PushService(worlds, hub, auth, metrics, limits))
        .register("/events", new EventService(broadcaster, hub, config.sseKeepalive(), metrics))
        .register("/replays", new ReplayService(archive, hub))
        .register("/runs", new RunService(archive, hub))
        .register("/nav", nav)
        .register("/vendor/three", new StaticFiles(THREE_WEBJAR, null))
        .register("/", new StaticFiles("web", "index.html"));
  }

  public int port() {
    return server.port();
  }

  public ServerConfig config() {
    return config;
  }

  /** Closes every viewer stream, then stops accepting requests. */
  @Override public void close() {
    broadcaster.close();
    if (server != null && server.isRunning()) server.stop();
  }

  private static String displayHost(String host) {
    return "0.0.0.0".equals(host) ? "localhost" : host;
  }
}
