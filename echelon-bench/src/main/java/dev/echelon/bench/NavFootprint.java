package dev.echelon.bench;

import dev.echelon.nav.GraphEstimate;
import dev.echelon.nav.NavGraph;
import dev.echelon.nav.NavOptions;
import dev.echelon.nav.VoxelWorld;
import java.util.Locale;

/**
 * Prints the size of each benchmark graph, its memory per node (edges included), what the server
 * holds per node once the search contexts and the graph's JSON are counted, and the estimate the
 * server admits builds by.
 */
public final class NavFootprint {
  private NavFootprint() {}

  public static void main(String[] args) {
    System.out.println("| graph | nodes | edges | bytes/node (arrays) | + 8 search contexts | + cached JSON | held in all"
        + " | estimated nodes / edges (upper bound) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    report("fixture 40x40x40", Worlds.voxels(Worlds.fixture("world-40x40x40-seed3.json.gz")), NavOptions.DEFAULTS);
    report("fixture 100x100x20", Worlds.voxels(Worlds.fixture("world-100x100x20-seed7.json.gz")), NavOptions.DEFAULTS);
    report("city 256x256x32", Worlds.city(256, 256, 32, 500_000, 1), NavOptions.DEFAULTS);
    report("city 256x256x16 (A*)", Worlds.city(256, 256, 16, 150_000, 3), NavOptions.DEFAULTS);
    report("grid 512x512x2 r=0", Worlds.gridMap(512, 512, 0.05, 2), new NavOptions(4, 0, 2));
  }

  static void report(String name, VoxelWorld w, NavOptions o) {
    NavGraph g = NavGraph.build(w, o);
    long json = dev.echelon.server.nav.NavJson.graph(g).length;
    GraphEstimate e = NavGraph.estimate(w, o);
    double n = g.nodeCount();
    System.out.printf(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f MB | %d / %d |%n", name, g.nodeCount(),
        g.edgeCount(), g.memoryBytes() / n, g.memoryBytesWithSearch() / n, (g.memoryBytesWithSearch() + json) / n,
        (g.memoryBytesWithSearch() + json) / 1e6, e.nodes(), e.edges());
  }
}
