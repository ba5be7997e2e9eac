package dev.echelon.bench;

import dev.echelon.nav.NavGraph;
import dev.echelon.nav.Route;

/** Picks far-apart, connected query endpoints on a graph. */
final class Queries {
  private Queries() {}

  /** Two nodes of node {@code seed}'s component at opposite corners: {start, goal}. */
  static int[] farCorners(NavGraph g) {
    // the largest component is found from the node nearest the map's centre
    int seed = g.nearestNode(g.positionX(g.nodeCount() / 2), g.positionY(g.nodeCount() / 2), g.positionZ(g.nodeCount() / 2));
    boolean[] seen = new boolean[g.nodeCount()];
    int[] queue = new int[g.nodeCount()];
    int head = 0, tail = 0;
    queue[tail++] = seed;
    seen[seed] = true;
    while (head < tail) {
      int u = queue[head++];
      for (int e = g.edgesFrom(u); e < g.edgesEnd(u); e++) {
        int v = g.edgeTarget(e);
        if (!seen[v]) {
          seen[v] = true;
          queue[tail++] = v;
        }
      }
    }
    int lo = seed, hi = seed;
    for (int i = 0; i < tail; i++) {
      int u = queue[i];
      if (g.nodeX(u) + g.nodeY(u) < g.nodeX(lo) + g.nodeY(lo)) lo = u;
      if (g.nodeX(u) + g.nodeY(u) > g.nodeX(hi) + g.nodeY(hi)) hi = u;
    }
    Route p = g.findPath(lo, hi);
    if (!p.found()) throw new IllegalStateException("corners not connected");
    return new int[] {lo, hi};
  }
}
