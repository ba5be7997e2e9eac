package dev.echelon.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import dev.echelon.core.PathRequest;
import dev.echelon.nav.NavGraph;
import dev.echelon.nav.Path;
import dev.echelon.server.base.ApiException;
import dev.echelon.server.nav.NavGraphs;
import dev.echelon.server.nav.NavJson;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;

/** {@code /nav/graph} and {@code /nav/path} over the cached graphs. */
final class NavService implements HttpService {
  private final NavGraphs graphs;
  private final BodyLimits limits;

  NavService(NavGraphs graphs, InflightBudget budget) {
    this.graphs = graphs;
    this.limits = new BodyLimits(64 * 1024, 64 * 1024, budget);
  }

  @Override public void routing(HttpRules rules) {
    rules.post("/graph", this::graph).post("/path", this::path);
  }

  private void graph(ServerRequest req, ServerResponse res) {
    String hash = PathRequest.worldHashField(body(req));
    Responses.json(req, res, graphs.get(hash).json());
  }

  private void path(ServerRequest req, ServerResponse res) {
    PathRequest q = PathRequest.fromJson(body(req));
    NavGraph g = graphs.get(q.worldHash()).graph();
    Path p = g.findPath(q.start().x(), q.start().y(), q.start().z(), q.goal().x(), q.goal().y(), q.goal().z());
    Responses.json(req, res, NavJson.path(g, p));
  }

  private JsonNode body(ServerRequest req) {
    try (BodyLimits.Body body = limits.read(req)) {
      BodyLimits.requireUtf8(body.bytes());
      return Json.mapper().readTree(body.bytes());
    } catch (IOException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getMessage());
    }
  }
}
