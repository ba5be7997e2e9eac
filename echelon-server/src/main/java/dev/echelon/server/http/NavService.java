package dev.echelon.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import dev.echelon.nav.NavGraph;
import dev.echelon.nav.Route;
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

  NavService(NavGraphs graphs, BodyLimits limits) {
    this.graphs = graphs;
    this.limits = limits;
  }

  @Override public void routing(HttpRules rules) {
    rules.post("/graph", this::graph).post("/path", this::path);
  }

  private void graph(ServerRequest req, ServerResponse res) {
    Responses.json(req, res, graphs.get(PathRequest.worldHashField(body(req))).json());
  }

  private void path(ServerRequest req, ServerResponse res) {
    PathRequest q = PathRequest.fromJson(body(req));
    NavGraph g = graphs.get(q.worldHash()).graph();
    Route p = g.findPath(q.start(), q.goal(), graphs.maxExpansions());
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
