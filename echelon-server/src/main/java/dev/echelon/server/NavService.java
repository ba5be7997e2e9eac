package dev.echelon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.BoundedCache;
import dev.echelon.core.Json;
import dev.echelon.core.PathRequest;
import dev.echelon.core.ProtocolException;
import dev.echelon.nav.NavGraph;
import dev.echelon.nav.Path;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * {@code /nav/graph} and {@code /nav/path}. One graph per world hash, built once however many
 * viewers ask at the same moment, and kept with its serialised JSON so a repeat graph request is
 * a byte copy.
 */
final class NavService implements HttpService {
  private static final Logger LOG = System.getLogger(NavService.class.getName());
  private static final BodyLimits NAV_BODY = new BodyLimits(64 * 1024, 64 * 1024);

  /** A built graph and its JSON. */
  record Entry(NavGraph graph, byte[] json) {}

  private final WorldStore worlds;
  private final BoundedCache<String, Entry> graphs;
  private final Metrics metrics;
  private final long maxVoxels;

  NavService(WorldStore worlds, int cacheMax, long maxVoxels, Metrics metrics) {
    this.worlds = worlds;
    this.graphs = BoundedCache.create(cacheMax);
    this.maxVoxels = maxVoxels;
    this.metrics = metrics;
  }

  @Override public void routing(HttpRules rules) {
    rules.post("/graph", this::graph).post("/path", this::path);
  }

  BoundedCache.Stats stats() {
    return graphs.stats();
  }

  private void graph(ServerRequest req, ServerResponse res) {
    String hash = PathRequest.worldHashField(body(req));
    Responses.json(req, res, entry(hash).json());
  }

  private void path(ServerRequest req, ServerResponse res) {
    PathRequest q = PathRequest.fromJson(body(req));
    NavGraph g = entry(q.worldHash()).graph();
    Path p = g.findPath(q.start().x(), q.start().y(), q.start().z(), q.goal().x(), q.goal().y(), q.goal().z());
    Responses.json(req, res, NavJson.path(g, p));
  }

  Entry entry(String hash) {
    return graphs.get(hash, this::build);
  }

  private Entry build(String hash) {
    StoredWorld w = worlds.find(hash).orElseThrow(() -> ApiException.notFound(
        "world " + hash + " is not stored; PUT /worlds/" + hash + " first"));
    long start = System.nanoTime();
    NavWorldReader.Parsed parsed = NavWorldReader.read(w.json(), maxVoxels);
    NavGraph g = NavGraph.build(parsed.world(), parsed.options());
    byte[] json = NavJson.graph(g);
    long nanos = System.nanoTime() - start;
    metrics.navBuilds.increment();
    metrics.navBuildNanos.add(nanos);
    LOG.log(Level.INFO, "nav graph for world " + hash + ": " + g.nodeCount() + " nodes, " + g.edgeCount()
        + " edges in " + nanos / 1_000_000 + " ms");
    return new Entry(g, json);
  }

  private static JsonNode body(ServerRequest req) {
    byte[] bytes = NAV_BODY.read(req);
    try {
      return Json.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new ProtocolException("malformed JSON: " + e.getMessage(), true);
    }
  }
}
