package dev.echelon.nav;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Where a ground mech can stand and step on one world (NAV.md). Immutable and thread-safe once
 * built, so a server builds it once per world and shares it. Nodes are dense ints numbered in
 * {@code (z, y, x)} order; edges are a CSR array whose cost is derived from the step's shape, so
 * the whole graph stays under 64 bytes per node.
 */
public final class NavGraph {
  static final double DIAGONAL_FACTOR = 1.414;
  /** Search contexts kept for reuse across threads, each 20 bytes a node. */
  static final int POOLED_FINDERS = 8;
  static final double CLIMB_FACTOR = 1.2;

  final int sx;
  final int sy;
  final int sz;
  final double voxelSize;
  final NavOptions options;
  final int[] nodeCol;
  final short[] nodeZ;
  final int[] edgeStart;
  final int[] targets;
  final int[] colStart;
  final int[] colNodes;
  /** Cost by edge kind bits (diagonal, climb). */
  final double[] kindCost;
  private final ConcurrentLinkedQueue<PathFinder> finders = new ConcurrentLinkedQueue<>();
  private volatile GraphStats stats;

  NavGraph(int sx, int sy, int sz, double voxelSize, NavOptions options, int[] nodeCol, short[] nodeZ,
      int[] edgeStart, int[] targets, int[] colStart, int[] colNodes) {
    this.sx = sx;
    this.sy = sy;
    this.sz = sz;
    this.voxelSize = voxelSize;
    this.options = options;
    this.nodeCol = nodeCol;
    this.nodeZ = nodeZ;
    this.edgeStart = edgeStart;
    this.targets = targets;
    this.colStart = colStart;
    this.colNodes = colNodes;
    this.kindCost = new double[] {
        voxelSize, voxelSize * CLIMB_FACTOR, voxelSize * DIAGONAL_FACTOR,
        voxelSize * DIAGONAL_FACTOR * CLIMB_FACTOR};
  }

  /** Builds the graph of {@code world} under {@code options}. */
  public static NavGraph build(VoxelWorld world, NavOptions options) {
    return GraphBuilder.build(world, options);
  }

  public int nodeCount() {
    return nodeCol.length;
  }

  /** Directed edges. */
  public int edgeCount() {
    return targets.length;
  }

  public double voxelSize() {
    return voxelSize;
  }

  public NavOptions options() {
    return options;
  }

  public int nodeX(int node) {
    return nodeCol[node] % sx;
  }

  public int nodeY(int node) {
    return nodeCol[node] / sx;
  }

  /** Index of the voxel under the feet; -1 for bedrock. */
  public int nodeZ(int node) {
    return nodeZ[node];
  }

  /** Position in metres, x. */
  public double positionX(int node) {
    return (nodeX(node) + 0.5) * voxelSize;
  }

  public double positionY(int node) {
    return (nodeY(node) + 0.5) * voxelSize;
  }

  public double positionZ(int node) {
    return (nodeZ[node] + 1) * voxelSize;
  }

  /** The node standing on voxel {@code (x, y, z)}, or -1. */
  public int nodeAt(int x, int y, int z) {
    if (x < 0 || y < 0 || x >= sx || y >= sy) return -1;
    int c = y * sx + x;
    for (int i = colStart[c]; i < colStart[c + 1]; i++) {
      int u = colNodes[i];
      if (nodeZ[u] == z) return u;
    }
    return -1;
  }

  /** First edge index of {@code node}; its edges are {@code edgesFrom(node) .. edgesEnd(node) - 1}. */
  public int edgesFrom(int node) {
    return edgeStart[node];
  }

  public int edgesEnd(int node) {
    return edgeStart[node + 1];
  }

  public int edgeTarget(int edge) {
    return targets[edge] & GraphBuilder.ID_MASK;
  }

  public double edgeCost(int edge) {
    return kindCost[targets[edge] >>> 29];
  }

  /**
   * The node nearest to a position in metres (NAV.md): least squared distance, plus 1000 when more
   * than 1.5 voxels away vertically, searched outward ring by ring until no closer node can
   * exist. Returns -1 only for a graph without nodes.
   */
  public int nearestNode(double px, double py, double pz) {
    if (nodeCount() == 0) return -1;
    int cx = clamp((int) Math.floor(px / voxelSize), sx);
    int cy = clamp((int) Math.floor(py / voxelSize), sy);
    double vertical = 1.5 * voxelSize;
    int best = -1;
    double bestD = Double.POSITIVE_INFINITY;
    int maxRing = Math.max(Math.max(cx, sx - 1 - cx), Math.max(cy, sy - 1 - cy));
    for (int k = 0; k <= maxRing; k++) {
      if (best >= 0) {
        double reach = Math.max(0, k - 1) * voxelSize; // columns in ring k lie at least this far away
        if (reach * reach > bestD) break;
      }
      for (int y = cy - k; y <= cy + k; y++) {
        if (y < 0 || y >= sy) continue;
        boolean edgeRow = y == cy - k || y == cy + k;
        int stepX = edgeRow ? 1 : Math.max(1, 2 * k);
        for (int x = cx - k; x <= cx + k; x += stepX) {
          if (x < 0 || x >= sx) continue;
          int c = y * sx + x;
          for (int i = colStart[c]; i < colStart[c + 1]; i++) {
            int u = colNodes[i];
            double dx = positionX(u) - px;
            double dy = positionY(u) - py;
            double dz = positionZ(u) - pz;
            double d = dx * dx + dy * dy + dz * dz;
            if (Math.abs(dz) > vertical) d += 1000;
            if (d < bestD) {
              bestD = d;
              best = u;
            }
          }
        }
      }
    }
    return best;
  }

  private static int clamp(int v, int size) {
    return v < 0 ? 0 : Math.min(v, size - 1);
  }

  /** Least-cost route between two nodes, with no expansion cap. Thread-safe. */
  public Route findPath(int start, int goal) {
    return findPath(start, goal, Integer.MAX_VALUE);
  }

  /** As {@link #findPath(int, int)}, giving up after {@code maxExpanded} expansions. */
  public Route findPath(int start, int goal, int maxExpanded) {
    PathFinder f = finders.poll();
    if (f == null) f = new PathFinder(this);
    try {
      return f.find(start, goal, maxExpanded);
    } finally {
      if (finders.size() < POOLED_FINDERS) finders.offer(f);
    }
  }

  /** Least-cost route between the nodes nearest to two positions in metres. Thread-safe. */
  public Route findPath(Position start, Position goal) {
    return findPath(start, goal, Integer.MAX_VALUE);
  }

  /** As {@link #findPath(Position, Position)}, giving up after {@code maxExpanded} expansions. */
  public Route findPath(Position start, Position goal, int maxExpanded) {
    int s = nearestNode(start.x(), start.y(), start.z());
    int g = nearestNode(goal.x(), goal.y(), goal.z());
    if (s < 0 || g < 0) return Route.notFound(this, 0, Route.Outcome.NO_NODES, "the graph has no nodes");
    return findPath(s, g, maxExpanded);
  }

  /** Where node {@code node} stands, in metres. */
  public Position position(int node) {
    return new Position(positionX(node), positionY(node), positionZ(node));
  }

  /** An upper bound of what building a graph of this world would cost, before building it. */
  public static GraphEstimate estimate(VoxelWorld world, NavOptions options) {
    return GraphEstimate.of(world, options);
  }

  /** A fresh single-threaded search context; reuse it to avoid per-query allocation. */
  public PathFinder newPathFinder() {
    return new PathFinder(this);
  }

  /** NAV.md's graph statistics, computed once. */
  public GraphStats stats() {
    GraphStats s = stats;
    if (s == null) stats = s = GraphStats.of(this);
    return s;
  }

  /** Bytes the graph may hold at most: its arrays and its pooled search contexts. */
  public long memoryBytesWithSearch() {
    return memoryBytes() + (long) POOLED_FINDERS * 20 * nodeCount();
  }

  /** Bytes held by the graph's arrays (search contexts not included). */
  public long memoryBytes() {
    return 4L * nodeCol.length + 2L * nodeZ.length + 4L * edgeStart.length + 4L * targets.length
        + 4L * colStart.length + 4L * colNodes.length;
  }

  @Override public String toString() {
    return "NavGraph[" + sx + "x" + sy + "x" + sz + ", nodes=" + nodeCount() + ", edges=" + edgeCount() + "]";
  }
}
