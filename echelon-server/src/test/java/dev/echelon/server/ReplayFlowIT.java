package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.echelon.core.Json;
import dev.echelon.core.WorldHash;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** The seed flow of the Python trainer against the real server, watched by two real SSE clients. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class ReplayFlowIT {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path runs;

  @Test
  void twoViewersAssembleExactlyTheFramesThePythonTrainerPushed() {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    JsonNode world = replay.get("world");
    ArrayNode frames = (ArrayNode) replay.get("frames");
    String hash = WorldHash.of(world);
    assertThat(hash).isEqualTo("8fd9ebc5f6955e6a");
    try (TestServer s = TestServer.start(runs);
        SseReader a = new SseReader(s.url("/events"));
        SseReader b = new SseReader(s.url("/events"))) {
      TestServer.Answer put = s.putWorld(world);
      assertThat(put.status()).isEqualTo(200);
      assertThat(put.json().get("world_hash").asText()).isEqualTo(hash);
      assertThat(s.head("/worlds/" + hash).status()).isEqualTo(200);
      assertThat(s.get("/health").json().get("clients").asInt()).isEqualTo(2);

      s.pushReplay("seed0", hash, frames, 100);

      for (SseReader viewer : new SseReader[] {a, b}) {
        SseReader.Event start = viewer.next(WAIT);
        assertThat(start.name()).isEqualTo("replay_start");
        assertThat(start.json().get("replay_id").asText()).isEqualTo("seed0");
        assertThat(start.json().get("chunk_count").asInt()).isEqualTo(2);
        assertThat(start.json().get("meta").get("episode").asInt()).isEqualTo(1);
        assertThat(start.json().get("world")).isEqualTo(world);
        ArrayNode assembled = Json.mapper().createArrayNode();
        long lastId = start.id();
        for (int i = 0; i < 2; i++) {
          SseReader.Event chunk = viewer.next(WAIT);
          assertThat(chunk.name()).isEqualTo("replay_chunk");
          assertThat(chunk.id()).isGreaterThan(lastId);
          lastId = chunk.id();
          assertThat(chunk.json().get("chunk_index").asInt()).isEqualTo(i);
          assembled.addAll((ArrayNode) chunk.json().get("frames"));
        }
        SseReader.Event end = viewer.next(WAIT);
        assertThat(end.name()).isEqualTo("replay_end");
        assertThat(end.json().get("replay_id").asText()).isEqualTo("seed0");
        assertThat(assembled).isEqualTo(frames);
      }
      assertThat(s.get("/worlds/" + hash).json()).isEqualTo(world);
      String metrics = s.get("/metrics").body();
      assertThat(metrics).contains("echelon_chunks_pushed_total 2").contains("echelon_replays_completed_total 1")
          .contains("echelon_sse_clients 2");
    }
  }

  @Test
  void prettyPrintedFramesStillTravelOnOneDataLine() {
    try (TestServer s = TestServer.start(runs); SseReader viewer = new SseReader(s.url("/events"))) {
      var world = Json.mapper().createObjectNode();
      world.putArray("size").add(4).add(4).add(4);
      world.putArray("walls");
      String hash = s.putWorld(world).json().get("world_hash").asText();
      String pretty = "{\n  \"replay_id\": \"pretty\",\n  \"world_ref\": \"" + hash + "\",\n  \"chunk_index\": 0,\n"
          + "  \"chunk_count\": 1,\n  \"frames\": [\n    {\n      \"t\": 1.5,\n      \"note\": \"line\\nbreak\"\n    }\n  ]\n}";
      assertThat(s.post("/push", pretty).status()).isEqualTo(200);
      viewer.next(WAIT); // replay_start
      SseReader.Event chunk = viewer.next(WAIT);
      assertThat(chunk.data()).doesNotContain("\n");
      assertThat(chunk.json().get("frames").get(0).get("note").asText()).isEqualTo("line\nbreak");
    }
  }

  @Test
  void viewersGetKeepalivesWhenNothingHappens() throws Exception {
    ServerConfig config = ServerConfig.forTesting(runs).newBuilder().sse(16, Duration.ofMillis(100), Duration.ofSeconds(1)).build();
    try (TestServer s = new TestServer(config); SseReader viewer = new SseReader(s.url("/events"))) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (keepalives(viewer) < 3 && System.nanoTime() < deadline) Thread.sleep(10);
      assertThat(keepalives(viewer)).as("keepalive comments within 5 s at 100 ms of silence each").isGreaterThanOrEqualTo(3);
      assertThat(viewer.events).isEmpty();
    }
  }

  private static long keepalives(SseReader viewer) {
    synchronized (viewer.comments) {
      return viewer.comments.stream().filter(c -> c.startsWith(": keepalive ")).count();
    }
  }
}
