package dev.echelon.server.http;

import dev.echelon.server.base.Metrics;
import dev.echelon.server.live.Viewers;
import dev.echelon.server.log.ReplayLog;
import dev.echelon.server.nav.NavGraphs;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.CloseConnectionException;
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
   * @param maxWorldBytes largest world document after gzip
   * @param maxInflightBytes request bodies in memory at once
   * @param maxChunks largest chunk index or count
   * @param requestTimeout longest silence while a request body is read
   */
  public record Settings(String pushToken, long maxBodyBytes, long maxDecodedBytes, long maxWorldBytes,
      long maxInflightBytes, int maxChunks, Duration requestTimeout) {}

  /** Why the Content-Length headers cannot frame a body (not one non-negative integer), or null. */
  static String contentLengthProblem(java.util.List<String> values) {
    String seen = null;
    for (String header : values) {
      for (String v : header.split(",", -1)) {
        String n = v.strip();
        if (!n.matches("[0-9]{1,18}")) {
          return "Content-Length must be a non-negative integer, got \"" + header + "\"";
        }
        if (seen != null && Long.parseLong(seen) != Long.parseLong(n)) {
          return "a request may carry one Content-Length, got " + values;
        }
        seen = n;
      }
    }
    return null;
  }

  /** Request bodies are decoded by {@link BodyLimits}, not by Helidon. */
  public static ContentEncodingContext contentCoding() {
    return new NoContentDecoding();
  }

  /** Registers every route; the returned handle stops what the routes run in the background. */
  public static AutoCloseable register(HttpRouting.Builder routing, Settings config, ReplayLog log, Viewers viewers,
      NavGraphs nav, Metrics metrics) {
    PushAuth auth = new PushAuth(config.pushToken());
    InflightBudget budget = new InflightBudget(config.maxInflightBytes());
    metrics.gauge("echelon_inflight_body_bytes", "Bytes of request bodies in memory now.", budget::used);
    UploadWatch watch = new UploadWatch(config.requestTimeout());
    BodyLimits.Limit wire = new BodyLimits.Limit(config.maxBodyBytes(), "ECHELON_MAX_BODY_BYTES");
    BodyLimits.Limit decoded = new BodyLimits.Limit(config.maxDecodedBytes(), "ECHELON_MAX_DECODED_BYTES");
    BodyLimits.Limit world = decoded.min(new BodyLimits.Limit(config.maxWorldBytes(), "ECHELON_MAX_WORLD_BYTES"));
    BodyLimits.Limit small = new BodyLimits.Limit(64 * 1024, "the 64 KiB limit of nav requests");
    BodyLimits limits = new BodyLimits(wire, decoded, budget, watch);
    ErrorMapping.register(routing);
    routing.addFilter((chain, req, res) -> {
      if (req.headers().contains(io.helidon.http.HeaderNames.CONTENT_LENGTH)
          && req.headers().contains(io.helidon.http.HeaderNames.TRANSFER_ENCODING)) {
        // RFC 9112 §6.1: a request smuggling attempt or a broken client; refuse and close the connection
        res.header(io.helidon.http.HeaderNames.CONNECTION, "close");
        ErrorMapping.send(res, 400, "a request may not carry both Content-Length and Transfer-Encoding");
        metrics.requestErrors.increment();
        throw new CloseConnectionException("Content-Length with Transfer-Encoding"); // nothing after it is read
      }
      String length = contentLengthProblem(req.headers().values(io.helidon.http.HeaderNames.CONTENT_LENGTH));
      if (length != null) {
        // RFC 9112 §6.3: a framing that cannot be trusted ends the connection; nothing after it is read
        res.header(io.helidon.http.HeaderNames.CONNECTION, "close");
        ErrorMapping.send(res, 400, length);
        metrics.requestErrors.increment();
        throw new CloseConnectionException("invalid Content-Length");
      }
      chain.proceed();
      if (res.status().code() >= 400) metrics.requestErrors.increment();
      if (req.headers().contains(io.helidon.http.HeaderValues.CONNECTION_CLOSE)) {
        throw new CloseConnectionException("the client asked to close the connection"); // RFC 9112 §9.6
      }
    });
    routing.register(new StatusService(viewers, log, metrics))
        .register("/worlds", new WorldService(log.worlds(), auth, metrics, new BodyLimits(wire, world, budget, watch)))
        .register("/push", new PushService(log, viewers, auth, metrics, limits, config.maxChunks()))
        .register("/events", new EventService(log, viewers, metrics))
        .register("/replays", new ReplayService(log))
        .register("/runs", new RunService(log))
        .register("/nav", new NavService(nav, new BodyLimits(small, small, budget, watch)))
        .register("/vendor/three", new StaticFiles(THREE_WEBJAR, null))
        .register("/", new StaticFiles("web", "index.html"));
    return watch;
  }
}
