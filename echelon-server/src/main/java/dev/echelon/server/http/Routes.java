package dev.echelon.server.http;

import dev.echelon.server.base.Metrics;
import dev.echelon.server.live.Viewers;
import dev.echelon.server.log.ReplayLog;
import dev.echelon.server.nav.NavGraphs;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.http.HttpRouting;
import java.time.Duration;

/** Every route of the server, one service per path prefix; tests reuse it. */
public final class Routes {
  /** The WebJar version bundled by echelon-viewer; the import map points here. */
  static final String THREE_WEBJAR = "META-INF/resources/webjars/three/0.181.1";

  private Routes() {}

  /**
   * What the HTTP layer is told by the configuration.
   *
   * @param pushToken bearer token for writes, or null
   * @param maxBodyBytes largest body on the wire
   * @param maxDecodedBytes largest body after gzip
   * @param maxInflightBytes request bodies in memory at once
   * @param maxChunks largest chunk index or count
   * @param keepalive idle time before an SSE keepalive comment
   */
  public record Settings(String pushToken, long maxBodyBytes, long maxDecodedBytes, long maxInflightBytes, int maxChunks,
      Duration keepalive) {}

  /** Request bodies are decoded by {@link BodyLimits}, not by Helidon. */
  public static ContentEncodingContext contentCoding() {
    return new NoContentDecoding();
  }

  public static void register(HttpRouting.Builder routing, Settings config, ReplayLog log, Viewers viewers,
      NavGraphs nav, Metrics metrics) {
    PushAuth auth = new PushAuth(config.pushToken());
    InflightBudget budget = new InflightBudget(config.maxInflightBytes());
    metrics.gauge("echelon_inflight_body_bytes", "Bytes of request bodies in memory now.", budget::used);
    BodyLimits limits = new BodyLimits(config.maxBodyBytes(), config.maxDecodedBytes(), budget);
    ErrorMapping.register(routing);
    routing.addFilter((chain, req, res) -> {
      chain.proceed();
      if (res.status().code() >= 400) metrics.requestErrors.increment();
    });
    routing.register(new StatusService(viewers, log, metrics))
        .register("/worlds", new WorldService(log.worlds(), auth, metrics, limits))
        .register("/push", new PushService(log, viewers, auth, metrics, limits, config.maxChunks()))
        .register("/events", new EventService(log, viewers, config.keepalive(), metrics))
        .register("/replays", new ReplayService(log))
        .register("/runs", new RunService(log))
        .register("/nav", new NavService(nav, budget))
        .register("/vendor/three", new StaticFiles(THREE_WEBJAR, null))
        .register("/", new StaticFiles("web", "index.html"));
  }
}
