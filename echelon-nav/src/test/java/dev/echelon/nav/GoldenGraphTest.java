package dev.echelon.nav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoldenGraphTest {

  @ParameterizedTest(name = "{0} matches the reference graph")
  @CsvSource({
    "world-40x40x40-seed3.json.gz, nav-golden-40x40x40-seed3.json.gz",
    "world-100x100x20-seed7.json.gz, nav-golden-100x100x20-seed7.json.gz"
  })
  void graphEqualsTheReferenceNodeForNodeAndEdgeForEdge(String worldFile, String goldenFile) {
    JsonNode golden = Fixtures.json(goldenFile);
    NavGraph g = NavGraph.build(Fixtures.world(worldFile), NavOptions.DEFAULTS);

    Set<String> expectedNodes = new HashSet<>();
    for (JsonNode n : golden.get("nodes")) expectedNodes.add(n.get(0).asInt() + "," + n.get(1).asInt() + "," + n.get(2).asInt());
    Set<String> actualNodes = new HashSet<>();
    for (int u = 0; u < g.nodeCount(); u++) actualNodes.add(key(g, u));
    assertThat(actualNodes).isEqualTo(expectedNodes);
    assertThat(g.nodeCount()).isEqualTo(golden.get("num_nodes").asInt());

    Map<String, Double> expectedEdges = new HashMap<>();
    for (JsonNode e : golden.get("edges")) {
      expectedEdges.put(e.get(0).asInt() + "," + e.get(1).asInt() + "," + e.get(2).asInt() + ">"
          + e.get(3).asInt() + "," + e.get(4).asInt() + "," + e.get(5).asInt(), e.get(6).asDouble());
    }
    Map<String, Double> actualEdges = new HashMap<>();
    for (int u = 0; u < g.nodeCount(); u++) {
      for (int e = g.edgesFrom(u); e < g.edgesEnd(u); e++) {
        actualEdges.put(key(g, u) + ">" + key(g, g.edgeTarget(e)), g.edgeCost(e));
      }
    }
    assertThat(actualEdges.keySet()).isEqualTo(expectedEdges.keySet());
    for (var e : expectedEdges.entrySet()) {
      assertThat(actualEdges.get(e.getKey())).as(e.getKey()).isCloseTo(e.getValue(), within(1e-9));
    }

    // Node 0 is the reference's first node, so connectivity agrees too.
    JsonNode first = golden.get("nodes").get(0);
    assertThat(key(g, 0)).isEqualTo(first.get(0).asInt() + "," + first.get(1).asInt() + "," + first.get(2).asInt());
    GraphStats stats = g.stats();
    JsonNode ref = golden.get("stats");
    assertThat(stats.numEdges()).isEqualTo(ref.get("num_edges").asInt());
    assertThat(stats.edgeDensity()).isCloseTo(ref.get("edge_density").asDouble(), within(1e-12));
    assertThat(stats.connectivityRatio()).isCloseTo(ref.get("connectivity_ratio").asDouble(), within(1e-12));
    assertThat((double) g.memoryBytes() / g.nodeCount()).isLessThan(64);
  }

  static String key(NavGraph g, int u) {
    return g.nodeZ(u) + "," + g.nodeY(u) + "," + g.nodeX(u);
  }
}
