package dev.echelon.nav;

/**
 * An upper bound of a graph's size, from the grid alone, before anything of that size is
 * allocated: a server can refuse a 24-byte world that would cost gigabytes. Every bound follows
 * from NAV.md: a node stands on a colliding voxel (or bedrock) with {@code clearance} free voxels
 * above, so floors in one column are at least {@code clearance + 1} apart; an edge joins one of 8
 * neighbouring columns within {@code step} voxels up or down.
 *
 * @param voxels cells of the grid
 * @param nodes at most this many nodes
 * @param edges at most this many edges
 * @param buildBytes at most this much memory while building
 * @param graphBytes at most this much memory held by the graph
 */
public record GraphEstimate(long voxels, long nodes, long edges, long buildBytes, long graphBytes) {
  /** Bytes per node of the graph's arrays, and per edge. */
  static final int NODE_BYTES = 18;
  static final int EDGE_BYTES = 4;

  static GraphEstimate of(VoxelWorld w, NavOptions o) {
    long columns = (long) w.sx * w.sy;
    long voxels = columns * w.sz;
    long solid = w.collidingVoxels();
    int spacing = o.clearanceZ() + 1;
    long perColumn = 1 + ((w.sz - 1) + spacing - 1) / spacing; // bedrock + floors
    long nodes = Math.min(columns + solid, columns * perColumn);
    long window = Math.min(perColumn, 2L * o.stepHeightMax() / spacing + 2); // floors a step can reach
    long edges = saturatingMul(nodes, 8 * window);
    long build = 5 * voxels + nodes * 10 + saturatingMul(edges, EDGE_BYTES);
    long graph = nodes * NODE_BYTES + saturatingMul(edges, EDGE_BYTES) + 8 * columns;
    return new GraphEstimate(voxels, nodes, edges, build, graph);
  }

  static long saturatingMul(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    return hi != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
  }
}
