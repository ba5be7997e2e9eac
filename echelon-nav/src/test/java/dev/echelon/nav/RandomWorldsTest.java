package dev.echelon.nav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A* against plain Dijkstra on hundreds of random small worlds. */
class RandomWorldsTest {

  static VoxelWorld randomWorld(SplittableRandom rnd) {
    int sx = 4 + rnd.nextInt(12);
    int sy = 4 + rnd.nextInt(12);
    int sz = 3 + rnd.nextInt(6);
    byte[] types = new byte[sx * sy * sz];
    for (int y = 0; y < sy; y++) {
      for (int x = 0; x < sx; x++) {
        int h = rnd.nextInt(sz);
        for (int z = 0; z < h; z++) types[(z * sy + y) * sx + x] = (byte) (rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(9) : 1);
        if (rnd.nextInt(5) == 0) types[(rnd.nextInt(sz) * sy + y) * sx + x] = 1; // overhangs and bridges
      }
    }
    return VoxelWorld.fromTypes(sx, sy, sz, 0.5 + rnd.nextInt(4), types);
  }

  @Test
  void aStarCostsEqualDijkstrasAndPathsAreValidEdgeByEdge() {
    SplittableRandom rnd = new SplittableRandom(42);
    int checked = 0;
    for (int world = 0; world < 300; world++) {
      NavOptions o = new NavOptions(1 + rnd.nextInt(3), rnd.nextInt(2), 1 + rnd.nextInt(2));
      NavGraph g = NavGraph.build(randomWorld(rnd), o);
      if (g.nodeCount() < 2) continue;
      PathFinder finder = g.newPathFinder();
      for (int q = 0; q < 5; q++) {
        int s = rnd.nextInt(g.nodeCount());
        int t = rnd.nextInt(g.nodeCount());
        double[] dist = dijkstra(g, s);
        Route p = finder.find(s, t, Integer.MAX_VALUE);
        if (Double.isInfinite(dist[t])) {
          assertThat(p.found()).isFalse();
          continue;
        }
        assertThat(p.found()).isTrue();
        assertThat(p.cost()).isCloseTo(dist[t], within(1e-9));
        assertThat(p.node(0)).isEqualTo(s);
        assertThat(p.node(p.length() - 1)).isEqualTo(t);
        double sum = 0;
        for (int i = 0; i + 1 < p.length(); i++) {
          double c = NavRulesTest.cost(g, p.node(i), p.node(i + 1));
          assertThat(c).as("edge %d->%d", p.node(i), p.node(i + 1)).isPositive();
          sum += c;
        }
        assertThat(sum).isCloseTo(p.cost(), within(1e-9));
        // admissible: the heuristic never exceeds the true remaining cost, from any node
        double[] toGoal = dijkstraReverse(g, t);
        for (int u = 0; u < g.nodeCount(); u++) {
          if (!Double.isInfinite(toGoal[u])) assertThat(finder.heuristic(u, t)).isLessThanOrEqualTo(toGoal[u] + 1e-9);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(300);
  }

  static double[] dijkstra(NavGraph g, int s) {
    double[] d = new double[g.nodeCount()];
    Arrays.fill(d, Double.POSITIVE_INFINITY);
    d[s] = 0;
    PriorityQueue<double[]> pq = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
    pq.add(new double[] {0, s});
    while (!pq.isEmpty()) {
      double[] top = pq.poll();
      int u = (int) top[1];
      if (top[0] > d[u]) continue;
      for (int e = g.edgesFrom(u); e < g.edgesEnd(u); e++) {
        int v = g.edgeTarget(e);
        double c = d[u] + g.edgeCost(e);
        if (c < d[v]) {
          d[v] = c;
          pq.add(new double[] {c, v});
        }
      }
    }
    return d;
  }

  static double[] dijkstraReverse(NavGraph g, int t) {
    int n = g.nodeCount();
    double[] d = new double[n];
    Arrays.fill(d, Double.POSITIVE_INFINITY);
    d[t] = 0;
    // Bellman-Ford style relaxation is enough for these small graphs.
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int u = 0; u < n; u++) {
        for (int e = g.edgesFrom(u); e < g.edgesEnd(u); e++) {
          double c = d[g.edgeTarget(e)] + g.edgeCost(e);
          if (c < d[u]) {
            d[u] = c;
            changed = true;
          }
        }
      }
    }
    return d;
  }
}
