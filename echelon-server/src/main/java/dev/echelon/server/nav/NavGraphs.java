package dev.echelon.server.nav;

import dev.echelon.core.BoundedCache;
import dev.echelon.nav.NavGraph;
import dev.echelon.server.base.ApiException;
import dev.echelon.server.base.Metrics;
import dev.echelon.server.log.StoredWorld;
import dev.echelon.server.log.WorldStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Navigation graphs by world hash: built once however many viewers ask at the same moment, and
 * kept with their serialised JSON so a repeated graph request is a byte copy.
 */
public final class NavGraphs {
  private static final Logger LOG = System.getLogger(NavGraphs.class.getName());

  /** A built graph and its JSON. */
  public record Entry(NavGraph graph, byte[] json) {}

  private final WorldStore worlds;
  private final BoundedCache<String, Entry> graphs;
  private final Metrics metrics;
  private final long maxVoxels;

  public NavGraphs(WorldStore worlds, int cacheMax, long maxVoxels, Metrics metrics) {
    this.worlds = worlds;
    this.graphs = BoundedCache.create(cacheMax);
    this.maxVoxels = maxVoxels;
    this.metrics = metrics;
  }

  public BoundedCache.Stats stats() {
    return graphs.stats();
  }

  /** The graph of a stored world; 404 when the world is unknown. */
  public Entry get(String hash) {
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
}
