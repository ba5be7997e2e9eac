package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** Start, stop and restart of the real server. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class LifecycleIT {
  @TempDir Path runs;

  @Test
  void shutdownWithViewersConnectedEndsEveryStreamPromptly() throws Exception {
    TestServer s = TestServer.start(runs);
    List<SseReader> viewers = new ArrayList<>();
    for (int i = 0; i < 4; i++) viewers.add(new SseReader(s.url("/events")));
    long t0 = System.nanoTime();
    s.close();
    for (SseReader v : viewers) {
      assertThat(v.awaitEnd(Duration.ofSeconds(2))).as("stream ended after shutdown").isTrue();
      v.close();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aWorldStoredBeforeARestartIsKnownAfterIt() {
    ObjectNode world = Json.mapper().createObjectNode();
    world.putArray("size").add(6).add(6).add(3);
    world.putArray("walls").addArray().add(0).add(0).add(0).add(1);
    String hash;
    try (TestServer first = TestServer.start(runs)) {
      hash = first.putWorld(world).json().get("world_hash").asText();
    }
    assertThat(Files.exists(runs.resolve("worlds").resolve(hash + ".json.gz"))).isTrue();
    try (TestServer second = TestServer.start(runs)) {
      assertThat(second.head("/worlds/" + hash).status()).isEqualTo(200);
      assertThat(second.get("/worlds/" + hash).json()).isEqualTo(world);
      assertThat(second.post("/push", "{\"replay_id\":\"after\",\"world_ref\":\"" + hash
          + "\",\"chunk_index\":0,\"chunk_count\":1,\"frames\":[]}").status()).isEqualTo(200);
    }
  }

  @Test
  void worldsEvictedFromMemoryAreStillServed() {
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder().caches(1, 1).build())) {
      List<String> hashes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ObjectNode w = Json.mapper().createObjectNode().put("seed", i);
        w.putArray("size").add(2).add(2).add(2);
        hashes.add(s.putWorld(w).json().get("world_hash").asText());
      }
      for (String h : hashes) assertThat(s.get("/worlds/" + h).json().get("size").size()).isEqualTo(3);
    }
  }
}
