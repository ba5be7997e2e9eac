package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** /nav over real HTTP on the simulator's 40x40x40 world. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class NavIT {
  @TempDir Path runs;

  @Test
  void theGraphEqualsTheReferenceAndARepeatComesFromTheCache() {
    JsonNode world = TestServer.fixture("world-40x40x40-seed3.json.gz");
    JsonNode golden = TestServer.fixture("nav-golden-40x40x40-seed3.json.gz");
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putWorld(world).json().get("world_hash").asText();
      TestServer.Answer a = s.post("/nav/graph", "{\"world_hash\":\"" + hash + "\"}");
      assertThat(a.status()).isEqualTo(200);
      JsonNode g = a.json();
      assertThat(g.get("voxel_size").asDouble()).isEqualTo(1.0);
      assertThat(g.get("clearance_z").asInt()).isEqualTo(4);
      Set<String> nodes = new HashSet<>();
      Set<String> edges = new HashSet<>();
      for (JsonNode n : g.get("nodes")) {
        nodes.add(n.get("id").toString());
        JsonNode id = n.get("id");
        assertThat(n.get("pos").get(0).asDouble()).isEqualTo(id.get(2).asInt() + 0.5);
        assertThat(n.get("pos").get(2).asDouble()).isEqualTo(id.get(0).asInt() + 1.0);
        for (JsonNode e : n.get("edges")) edges.add(id + ">" + e);
      }
      Set<String> goldenNodes = new HashSet<>();
      for (JsonNode n : golden.get("nodes")) goldenNodes.add(n.toString());
      Set<String> goldenEdges = new HashSet<>();
      for (JsonNode e : golden.get("edges")) {
        goldenEdges.add("[" + e.get(0) + "," + e.get(1) + "," + e.get(2) + "]>[" + e.get(3) + "," + e.get(4) + "," + e.get(5) + "]");
      }
      assertThat(nodes).isEqualTo(goldenNodes);
      assertThat(edges).isEqualTo(goldenEdges);

      TestServer.Answer again = s.post("/nav/graph", "{\"world_hash\":\"" + hash + "\"}");
      assertThat(again.body()).isEqualTo(a.body());
      assertThat(s.get("/metrics").body()).contains("echelon_nav_builds_total 1").contains("echelon_nav_cache_hits_total 1");

      TestServer.Answer path = s.post("/nav/path", "{\"world_hash\":\"" + hash
          + "\",\"start_pos\":[3.5,3.5,0],\"goal_pos\":[36.5,36.5,0]}");
      assertThat(path.status()).isEqualTo(200);
      JsonNode p = path.json();
      assertThat(p.get("found").asBoolean()).isTrue();
      assertThat(p.get("path").size()).isEqualTo(p.get("stats").get("length").asInt()).isEqualTo(p.get("node_ids").size());
      assertThat(p.get("stats").get("cost").asDouble()).isGreaterThan(33 * 1.414 - 1e-9);
      assertThat(p.get("path").get(0).get(0).asDouble()).isCloseTo(3.5, within(3.0));
    }
  }

  @Test
  void concurrentFirstRequestsBuildTheGraphOnce() throws Exception {
    JsonNode world = TestServer.fixture("world-40x40x40-seed3.json.gz");
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putWorld(world).json().get("world_hash").asText();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<TestServer.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        answers.add(pool.submit(() -> {
          go.await();
          return s.post("/nav/graph", "{\"world_hash\":\"" + hash + "\"}");
        }));
      }
      go.countDown();
      String first = null;
      for (Future<TestServer.Answer> f : answers) {
        TestServer.Answer a = f.get(30, TimeUnit.SECONDS);
        assertThat(a.status()).isEqualTo(200);
        if (first == null) first = a.body();
        assertThat(a.body()).isEqualTo(first);
      }
      assertThat(s.get("/metrics").body()).contains("echelon_nav_builds_total 1");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badNavRequestsGetClearErrors() {
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder().limits(1 << 20, 1 << 20, 1000).build())) {
      ObjectNode small = Json.mapper().createObjectNode();
      small.putArray("size").add(10).add(10).add(5);
      ObjectNode huge = Json.mapper().createObjectNode();
      huge.putArray("size").add(30000).add(30000).add(100);
      String smallHash = s.putWorld(small).json().get("world_hash").asText();
      String hugeHash = s.putWorld(huge).json().get("world_hash").asText();
      assertThat(s.post("/nav/graph", "{}").status()).isEqualTo(400);
      assertThat(s.post("/nav/graph", "{\"world_hash\":\"0000000000000000\"}").status()).isEqualTo(404);
      TestServer.Answer tooBig = s.post("/nav/graph", "{\"world_hash\":\"" + hugeHash + "\"}");
      assertThat(tooBig.status()).isEqualTo(413);
      assertThat(tooBig.json().get("detail").asText()).contains("ECHELON_NAV_MAX_VOXELS");
      assertThat(s.post("/nav/graph", "{\"world_hash\":\"" + smallHash + "\"}").status()).isEqualTo(200);
      for (String pos : new String[] {"[1,2]", "[1,2,\"x\"]", "[NaN,0,0]", "[1e999,0,0]", "\"here\""}) {
        TestServer.Answer a = s.post("/nav/path", "{\"world_hash\":\"" + smallHash + "\",\"start_pos\":" + pos
            + ",\"goal_pos\":[1,1,1]}");
        assertThat(a.status()).as(pos).isEqualTo(400);
        assertThat(a.json().get("detail").asText()).as(pos).contains("start_pos");
      }
      assertThat(s.get("/health").status()).isEqualTo(200);
    }
  }

  @Test
  void aCostlyWorldIsRefusedBeforeAnyWorkAndTheRefusalIsRemembered() {
    try (TestServer s = TestServer.start(runs)) {
      ObjectNode flat = Json.mapper().createObjectNode();
      flat.putArray("size").add(4096).add(4096).add(1); // 24 bytes, 16.8 M nodes, 134 M edges
      String hash = s.putWorld(flat).json().get("world_hash").asText();
      TestServer.Answer a = s.post("/nav/graph", "{\"world_hash\":\"" + hash + "\"}");
      assertThat(a.status()).isEqualTo(413);
      assertThat(a.json().get("detail").asText()).contains("ECHELON_NAV_MAX_BYTES").contains("MiB").contains("nodes");
      TestServer.Answer path = s.post("/nav/path", "{\"world_hash\":\"" + hash + "\",\"start_pos\":[0,0,0],\"goal_pos\":[9,9,0]}");
      assertThat(path.status()).isEqualTo(413);
      assertThat(s.get("/metrics").body()).contains("echelon_nav_builds_total 0").contains("echelon_nav_refusals_remembered_total 1");
    }
  }

  @Test
  void aSearchBeyondItsBudgetSaysSoAndStaysOptimalWhenItAnswers() {
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder().nav(512L << 20, 10).build())) {
      ObjectNode world = Json.mapper().createObjectNode();
      world.putArray("size").add(40).add(40).add(3);
      world.putObject("meta").putObject("nav").put("mech_radius", 0);
      String hash = s.putWorld(world).json().get("world_hash").asText();
      JsonNode far = s.post("/nav/path", "{\"world_hash\":\"" + hash + "\",\"start_pos\":[2,2,0],\"goal_pos\":[190,190,0]}").json();
      assertThat(far.get("found").asBoolean()).isFalse();
      assertThat(far.get("reason").asText()).isEqualTo("budget");
      JsonNode near = s.post("/nav/path", "{\"world_hash\":\"" + hash + "\",\"start_pos\":[2,2,0],\"goal_pos\":[12,2,0]}").json();
      assertThat(near.get("found").asBoolean()).isTrue();
      assertThat(near.get("stats").get("cost").asDouble()).isEqualTo(10.0);
    }
  }

  @Test
  void aVoxelSizeWhosePositionsWouldOverflowIs422AndNeverInfinity() {
    ObjectNode world = Json.mapper().createObjectNode();
    world.putArray("size").add(6).add(6).add(3);
    world.put("voxel_size_m", 1e308);
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putWorld(world).json().get("world_hash").asText();
      TestServer.Answer a = s.post("/nav/graph", "{\"world_hash\":\"" + hash + "\"}");
      assertThat(a.status()).isEqualTo(422);
      assertThat(a.json().get("detail").asText()).contains("1.0E308").contains("overflow");
      assertThat(a.body()).doesNotContain("Infinity");
      TestServer.Answer path = s.post("/nav/path", "{\"world_hash\":\"" + hash
          + "\",\"start_pos\":[1,1,0],\"goal_pos\":[4,4,0]}");
      assertThat(path.status()).isEqualTo(422);
    }
  }
}
