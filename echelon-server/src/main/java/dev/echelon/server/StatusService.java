package dev.echelon.server;

import dev.echelon.core.Health;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** {@code /health} for trainers and load balancers, {@code /metrics} for Prometheus. */
final class StatusService implements HttpService {
  private final long startNanos = System.nanoTime();
  private final IntSupplier clients;
  private final Metrics metrics;

  StatusService(IntSupplier clients, Metrics metrics) {
    this.clients = clients;
    this.metrics = metrics;
  }

  @Override public void routing(HttpRules rules) {
    rules.get("/health", this::health).get("/metrics", this::metrics);
  }

  private void health(ServerRequest req, ServerResponse res) {
    Responses.json(req, res, new Health("ok", clients.getAsInt(), (System.nanoTime() - startNanos) / 1e9));
  }

  private void metrics(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    res.send(metrics.render().getBytes(StandardCharsets.UTF_8));
  }
}
