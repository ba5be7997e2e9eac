package dev.echelon.bench;

import dev.echelon.nav.NavGraph;
import dev.echelon.nav.NavOptions;
import dev.echelon.nav.Route;
import dev.echelon.nav.PathFinder;
import java.util.concurrent.TimeUnit;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.shortestpath.AStarShortestPath;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleDirectedWeightedGraph;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A* between far corners: on the 100x100x20 fixture and on a 256x256 city, with our planner and
 * with JGraphT's {@code AStarShortestPath} on the same graph and heuristic (costs checked equal).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AStarBench {
  NavGraph fixture;
  NavGraph city;
  PathFinder fixtureFinder;
  PathFinder cityFinder;
  int[] fixtureQuery;
  int[] cityQuery;
  AStarShortestPath<Integer, DefaultWeightedEdge> fixtureJgrapht;
  AStarShortestPath<Integer, DefaultWeightedEdge> cityJgrapht;

  @Setup
  public void load() {
    fixture = NavGraph.build(Worlds.voxels(Worlds.fixture("world-100x100x20-seed7.json.gz")), NavOptions.DEFAULTS);
    city = NavGraph.build(Worlds.city(256, 256, 16, 150_000, 3), NavOptions.DEFAULTS);
    fixtureFinder = fixture.newPathFinder();
    cityFinder = city.newPathFinder();
    fixtureQuery = Queries.farCorners(fixture);
    cityQuery = Queries.farCorners(city);
    fixtureJgrapht = jgrapht(fixture);
    cityJgrapht = jgrapht(city);
    check(fixture, fixtureQuery, fixtureJgrapht);
    check(city, cityQuery, cityJgrapht);
  }

  static AStarShortestPath<Integer, DefaultWeightedEdge> jgrapht(NavGraph g) {
    var graph = new SimpleDirectedWeightedGraph<Integer, DefaultWeightedEdge>(DefaultWeightedEdge.class);
    for (int u = 0; u < g.nodeCount(); u++) graph.addVertex(u);
    for (int u = 0; u < g.nodeCount(); u++) {
      for (int e = g.edgesFrom(u); e < g.edgesEnd(u); e++) {
        graph.setEdgeWeight(graph.addEdge(u, g.edgeTarget(e)), g.edgeCost(e));
      }
    }
    double vs = g.voxelSize();
    return new AStarShortestPath<>(graph, (a, b) -> {
      int dx = Math.abs(g.nodeX(a) - g.nodeX(b));
      int dy = Math.abs(g.nodeY(a) - g.nodeY(b));
      return vs * (Math.max(dx, dy) + 0.414 * Math.min(dx, dy));
    });
  }

  static void check(NavGraph g, int[] q, AStarShortestPath<Integer, DefaultWeightedEdge> other) {
    Route ours = g.findPath(q[0], q[1]);
    GraphPath<Integer, DefaultWeightedEdge> theirs = other.getPath(q[0], q[1]);
    if (Math.abs(ours.cost() - theirs.getWeight()) > 1e-9) {
      throw new IllegalStateException("cost differs: ours " + ours.cost() + " jgrapht " + theirs.getWeight());
    }
    System.out.printf("%n%s: query %d -> %d, cost %.3f, %d nodes, %d expanded (JGraphT cost %.3f)%n",
        g, q[0], q[1], ours.cost(), ours.length(), ours.expanded(), theirs.getWeight());
  }

  @Benchmark
  public Route fixtureFarCorners() {
    return fixtureFinder.find(fixtureQuery[0], fixtureQuery[1], Integer.MAX_VALUE);
  }

  @Benchmark
  public Route city256FarCorners() {
    return cityFinder.find(cityQuery[0], cityQuery[1], Integer.MAX_VALUE);
  }

  @Benchmark
  public double fixtureFarCornersJgrapht() {
    return fixtureJgrapht.getPath(fixtureQuery[0], fixtureQuery[1]).getWeight();
  }

  @Benchmark
  public double city256FarCornersJgrapht() {
    return cityJgrapht.getPath(cityQuery[0], cityQuery[1]).getWeight();
  }
}
