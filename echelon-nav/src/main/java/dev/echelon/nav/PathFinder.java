package dev.echelon.nav;

/**
 * A reusable A* search context for one graph (not thread-safe; use one per thread). Per-node
 * state lives in primitive arrays stamped with a search number, so a new query costs nothing to
 * reset. The heuristic is octile distance in x and y times the voxel size, which never exceeds
 * the true cost under NAV.md's step costs, so every path returned is optimal.
 */
public final class PathFinder {
  private static final double OCTILE = NavGraph.DIAGONAL_FACTOR - 1;

  private final NavGraph g;
  private final double[] gScore;
  private final int[] parent;
  private final int[] seen; // stamp when gScore/parent are valid for this search
  private final int[] closed; // stamp when expanded in this search
  private final DoubleIntHeap open = new DoubleIntHeap(1024);
  private int stamp;

  PathFinder(NavGraph g) {
    this.g = g;
    int n = g.nodeCount();
    this.gScore = new double[n];
    this.parent = new int[n];
    this.seen = new int[n];
    this.closed = new int[n];
  }

  /** Least-cost path from {@code start} to {@code goal}, expanding at most {@code maxExpanded} nodes. */
  public Route find(int start, int goal, int maxExpanded) {
    int n = g.nodeCount();
    if (start < 0 || start >= n) throw new IllegalArgumentException("start must be a node in 0.." + (n - 1) + ", got " + start);
    if (goal < 0 || goal >= n) throw new IllegalArgumentException("goal must be a node in 0.." + (n - 1) + ", got " + goal);
    if (maxExpanded < 1) throw new IllegalArgumentException("maxExpanded must be >= 1, got " + maxExpanded);
    if (++stamp == 0) { // wrapped: clear once every 2^32 searches
      java.util.Arrays.fill(seen, 0);
      java.util.Arrays.fill(closed, 0);
      stamp = 1;
    }
    final int s = stamp;
    final int[] cols = g.nodeCol;
    final int[] edgeStart = g.edgeStart;
    final int[] targets = g.targets;
    final double[] kindCost = g.kindCost;
    final int sx = g.sx;
    final double vs = g.voxelSize;
    final int gx = cols[goal] % sx;
    final int gy = cols[goal] / sx;

    open.clear();
    gScore[start] = 0;
    parent[start] = -1;
    seen[start] = s;
    open.push(heuristic(cols[start], sx, gx, gy, vs), start);
    int expanded = 0;
    while (!open.isEmpty()) {
      int u = open.popValue();
      if (closed[u] == s) continue; // stale entry
      closed[u] = s;
      expanded++;
      if (u == goal) return Route.found(g, trace(goal), gScore[goal], expanded);
      if (expanded >= maxExpanded) {
        return Route.notFound(g, expanded, Route.Outcome.BUDGET,
            "gave up after " + expanded + " expansions (budget " + maxExpanded + ")");
      }
      double gu = gScore[u];
      for (int e = edgeStart[u], end = edgeStart[u + 1]; e < end; e++) {
        int t = targets[e];
        int v = t & GraphBuilder.ID_MASK;
        if (closed[v] == s) continue;
        double cand = gu + kindCost[t >>> 29];
        if (seen[v] != s || cand < gScore[v]) {
          seen[v] = s;
          gScore[v] = cand;
          parent[v] = u;
          open.push(cand + heuristic(cols[v], sx, gx, gy, vs), v);
        }
      }
    }
    return Route.notFound(g, expanded, Route.Outcome.UNREACHABLE, "goal not reachable from start");
  }

  private static double heuristic(int col, int sx, int gx, int gy, double vs) {
    int dx = Math.abs(col % sx - gx);
    int dy = Math.abs(col / sx - gy);
    int lo = Math.min(dx, dy);
    return vs * (Math.max(dx, dy) + OCTILE * lo);
  }

  /** The heuristic between two nodes, exposed to tests of admissibility. */
  double heuristic(int from, int to) {
    int sx = g.sx;
    return heuristic(g.nodeCol[from], sx, g.nodeCol[to] % sx, g.nodeCol[to] / sx, g.voxelSize);
  }

  private int[] trace(int goal) {
    int len = 0;
    for (int v = goal; v != -1; v = parent[v]) len++;
    int[] path = new int[len];
    for (int v = goal, i = len - 1; v != -1; v = parent[v]) path[i--] = v;
    return path;
  }
}
