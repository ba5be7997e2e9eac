package dev.echelon.nav;

/**
 * Graph statistics of NAV.md, for dashboards that check a generated map is playable.
 *
 * @param numNodes nodes
 * @param numEdges directed edges
 * @param edgeDensity edges per node
 * @param connectivityRatio share of nodes reachable from node 0
 */
public record GraphStats(int numNodes, int numEdges, double edgeDensity, double connectivityRatio) {
  static GraphStats of(NavGraph g) {
    int n = g.nodeCount();
    if (n == 0) return new GraphStats(0, 0, 0, 0);
    boolean[] seen = new boolean[n];
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    queue[tail++] = 0;
    seen[0] = true;
    while (head < tail) {
      int u = queue[head++];
      for (int e = g.edgeStart[u], end = g.edgeStart[u + 1]; e < end; e++) {
        int v = g.targets[e] & GraphBuilder.ID_MASK;
        if (!seen[v]) {
          seen[v] = true;
          queue[tail++] = v;
        }
      }
    }
    return new GraphStats(n, g.edgeCount(), (double) g.edgeCount() / n, (double) tail / n);
  }
}
