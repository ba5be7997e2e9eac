package dev.echelon.server.http;

import dev.echelon.server.base.Metrics;
import dev.echelon.server.live.Viewers;
import dev.echelon.server.log.ReplayLog;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health} for trainers and load balancers (503 while the replay log cannot take pushes, so
 * a balancer routes around this server), {@code /metrics} for Prometheus.
 */
final class StatusService implements HttpService {
  private final long startNanos = System.nanoTime();
  private final Viewers viewers;
  private final ReplayLog log;
  private final Metrics metrics;

  StatusService(Viewers viewers, ReplayLog log, Metrics metrics) {
    this.viewers = viewers;
    this.log = log;
    this.metrics = metrics;
  }

  @Override public void routing(HttpRules rules) {
    rules.get("/health", this::health).get("/metrics", this::metrics);
  }

  private void health(ServerRequest req, ServerResponse res) {
    boolean up = log.available();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "ok" : "unavailable");
    body.put("clients", viewers.count());
    body.put("uptime_s", (System.nanoTime() - startNanos) / 1e9);
    body.put("log", log.backend());
    body.put("last_event_id", log.headEventId());
    if (!up) res.status(Status.SERVICE_UNAVAILABLE_503);
    Responses.json(req, res, body);
  }

  private void metrics(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    res.send(metrics.render().getBytes(StandardCharsets.UTF_8));
  }
}
