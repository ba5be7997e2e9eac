package dev.echelon.server.nav;

import dev.echelon.server.base.BoundedCache;
import dev.echelon.nav.GraphEstimate;
import dev.echelon.nav.NavGraph;
import dev.echelon.nav.NavWorld;
import dev.echelon.nav.WorldJson;
import dev.echelon.server.base.ApiException;
import dev.echelon.server.base.Metrics;
import dev.echelon.server.log.StoredWorld;
import dev.echelon.server.log.WorldStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Navigation graphs by world hash, admitted by cost: before a graph is built its size is bounded
 * from the grid alone, and a world that could cost more than the budget is refused (413, naming
 * the estimate and the limit). Graphs are built one at a time, once however many viewers ask, and
 * kept, with their JSON and search contexts, in a cache weighed in bytes. A refusal is remembered
 * for a minute, so a retry costs nothing.
 */
public final class NavGraphs {
  private static final Logger LOG = System.getLogger(NavGraphs.class.getName());
  private static final long REFUSAL_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final long BUILD_WAIT_S = 20;

  /** A built graph and its JSON. */
  public record Entry(NavGraph graph, byte[] json) {
    long weight() {
      return graph.memoryBytesWithSearch() + json.length;
    }
  }

  /**
   * The budgets.
   *
   * @param maxVoxels largest grid (ECHELON_NAV_MAX_VOXELS)
   * @param maxBytes largest estimated cost of one graph: build, graph and JSON (ECHELON_NAV_MAX_BYTES)
   * @param cacheBytes graphs kept in memory (ECHELON_NAV_CACHE_BYTES)
   * @param cacheMax graphs kept at most (ECHELON_NAV_CACHE_MAX)
   * @param maxExpansions nodes one path search may expand (ECHELON_NAV_MAX_EXPANSIONS)
   */
  public record Limits(long maxVoxels, long maxBytes, long cacheBytes, int cacheMax, int maxExpansions) {}

  private record Refusal(ApiException error, long at) {}

  private final WorldStore worlds;
  private final BoundedCache<String, Entry> graphs;
  private final Metrics metrics;
  private final Limits limits;
  private final Semaphore building = new Semaphore(1, true);
  private final ConcurrentHashMap<String, Refusal> refused = new ConcurrentHashMap<>();

  public NavGraphs(WorldStore worlds, Limits limits, Metrics metrics) {
    this.worlds = worlds;
    this.limits = limits;
    this.graphs = BoundedCache.weighed(limits.cacheMax(), limits.cacheBytes(), Entry::weight);
    this.metrics = metrics;
  }

  public BoundedCache.Stats stats() {
    return graphs.stats();
  }

  public long cachedBytes() {
    return graphs.weight();
  }

  public int maxExpansions() {
    return limits.maxExpansions();
  }

  /** The graph of a stored world; 404 when the world is unknown, 413 when it is too costly. */
  public Entry get(String hash) {
    Refusal r = refused.get(hash);
    if (r != null) {
      if (System.nanoTime() - r.at() < REFUSAL_MEMORY_NANOS) {
        metrics.navRefusalsRemembered.increment();
        throw r.error();
      }
      refused.remove(hash, r);
    }
    try {
      return graphs.get(hash, this::build);
    } catch (ApiException e) {
      if (e.status() == 413 || e.status() == 422) refused.put(hash, new Refusal(e, System.nanoTime()));
      throw e;
    }
  }

  private Entry build(String hash) {
    StoredWorld w = worlds.find(hash).orElseThrow(() -> ApiException.notFound(
        "world " + hash + " is not stored; PUT /worlds/" + hash + " first"));
    try {
      if (!building.tryAcquire(BUILD_WAIT_S, TimeUnit.SECONDS)) {
        throw ApiException.unavailable("another navigation graph is being built; retry in a moment");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted while waiting to build a navigation graph");
    }
    try {
      long start = System.nanoTime();
      NavWorld world = read(hash, w.json());
      GraphEstimate e = world.estimate();
      long cost = Math.max(e.buildBytes(), e.graphBytes() + jsonBytesBound(e));
      if (cost > limits.maxBytes()) {
        throw ApiException.tooLarge("world " + hash + " could need up to " + mb(cost) + " to navigate (at most "
            + e.nodes() + " nodes, " + e.edges() + " edges), above the nav budget of " + mb(limits.maxBytes())
            + " (ECHELON_NAV_MAX_BYTES)");
      }
      NavGraph g = world.graph();
      byte[] json = NavJson.graph(g);
      long nanos = System.nanoTime() - start;
      metrics.navBuilds.increment();
      metrics.navBuildNanos.add(nanos);
      LOG.log(Level.INFO, "nav graph for world " + hash + ": " + g.nodeCount() + " nodes, " + g.edgeCount()
          + " edges in " + nanos / 1_000_000 + " ms");
      return new Entry(g, json);
    } finally {
      building.release();
    }
  }

  private NavWorld read(String hash, byte[] json) {
    try {
      return WorldJson.read(json, limits.maxVoxels());
    } catch (WorldJson.WorldTooLargeException e) {
      throw ApiException.tooLarge(e.getMessage() + " (ECHELON_NAV_MAX_VOXELS)");
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "world " + hash + " cannot be navigated: " + e.getMessage());
    }
  }

  /** The graph's JSON: about 70 bytes a node and 16 an edge, at most. */
  static long jsonBytesBound(GraphEstimate e) {
    long edges = e.edges() > Long.MAX_VALUE / 32 ? Long.MAX_VALUE / 2 : 16 * e.edges();
    return Math.min(Long.MAX_VALUE / 2, 70 * e.nodes() + edges);
  }

  private static String mb(long bytes) {
    return bytes >= Long.MAX_VALUE / 2 ? "more than 4 EB" : (bytes >> 20) + " MiB";
  }
}
