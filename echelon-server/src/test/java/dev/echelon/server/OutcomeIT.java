package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.echelon.core.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A replay's outcome, folded from its chunks as they arrive, over real HTTP on the file log. */
@Timeout(300)
class OutcomeIT {
  static final JsonNode REPLAY = TestServer.fixture("replay-20x20-seed0.json.gz");
  @TempDir Path runs;

  /** Chunk {@code i} of 8 (24 frames each) of the simulator's replay. */
  static String chunk(String hash, int i) {
    ArrayNode frames = (ArrayNode) REPLAY.get("frames");
    var c = Json.mapper().createObjectNode().put("replay_id", "match").put("world_ref", hash).put("chunk_index", i)
        .put("chunk_count", 8);
    ArrayNode part = c.putArray("frames");
    for (int f = i * 24; f < Math.min(frames.size(), (i + 1) * 24); f++) part.add(frames.get(f));
    if (i == 0) c.putObject("run").put("name", "ppo-7").put("update", 340).put("global_step", 696320);
    return c.toString();
  }

  static void expectTheMatch(JsonNode replay) {
    JsonNode o = replay.get("outcome");
    assertThat(o.get("winner").asText()).isEqualTo("blue");
    assertThat(o.get("rule").asText()).isEqualTo("zone");
    assertThat(o.get("decided_at_s").asDouble()).isCloseTo(16.25, within(1e-9));
    assertThat(o.get("duration_s").asDouble()).isCloseTo(46.0, within(1e-9));
    assertThat(o.get("ticks").asLong()).isEqualTo(920);
    assertThat(o.get("zone_score_to_win").asDouble()).isEqualTo(15.0);
    assertThat(o.get("kills").asInt()).isEqualTo(9);
    assertThat(o.get("teams").get("blue").get("kills").asInt()).isEqualTo(5);
    assertThat(o.get("teams").get("blue").get("alive").asInt()).isEqualTo(1);
    assertThat(o.get("teams").get("red").get("deaths").asInt()).isEqualTo(5);
    assertThat(o.get("teams").get("blue").get("damage_dealt").asDouble()).isCloseTo(701.9, within(1e-6));
    assertThat(o.get("teams").get("blue").get("return").isNull()).as("no frame carried a reward").isTrue();
    assertThat(o.get("mechs").get("blue_1").get("zone_s").asDouble()).isCloseTo(12.5, within(1e-6));
    assertThat(replay.get("training").get("update").asLong()).isEqualTo(340);
  }

  @Test
  void aReplayPushedOutOfOrderGetsTheOutcomeOfItsFramesAndKeepsItAcrossARestart() throws Exception {
    String hash;
    try (TestServer s = TestServer.start(runs)) {
      hash = s.putWorld(REPLAY.get("world")).json().get("world_hash").asText();
      for (int i : List.of(3, 0, 7, 1)) assertThat(s.post("/push", chunk(hash, i)).status()).isEqualTo(200);
      JsonNode partial = s.get("/replays/match").json().get("outcome");
      // blue reaches 15 points in chunk 2: until it arrives, chunk 3 is the first to show the decision
      assertThat(partial.get("rule").asText()).isEqualTo("zone");
      assertThat(partial.get("decided_at_s").asDouble()).isCloseTo(18.0, within(1e-9));
      for (int i : List.of(2, 6, 5, 4)) assertThat(s.post("/push", chunk(hash, i)).status()).isEqualTo(200);
      expectTheMatch(s.get("/replays/match").json());
      JsonNode row = s.get("/replays").json().get("replays").get(0);
      assertThat(row.get("outcome").get("winner").asText()).isEqualTo("blue");
      assertThat(row.get("outcome").has("mechs")).as("listings carry team totals only").isFalse();
      JsonNode point = s.get("/runs/ppo-7/progress").json().get("points").get(0);
      JsonNode po = point.get("outcome");
      assertThat(po.get("winner").asText()).isEqualTo("blue");
      assertThat(po.get("duration_s").asDouble()).isCloseTo(46.0, within(1e-9));
      assertThat(po.get("kills").asInt()).isEqualTo(9);
      assertThat(po.get("teams").toString()).isEqualTo("[\"blue\",\"red\"]");
      assertThat(po.has("return")).as("no frame carried a reward").isFalse();
      assertThat(po.has("zone_score")).as("a plot's point is small").isFalse();
    }
    try (TestServer s = TestServer.start(runs)) { // read back from the records' headers, not from frames
      expectTheMatch(s.get("/replays/match").json());
      assertThat(s.get("/replays?winner=blue&min_kills=9").json().get("replays")).hasSize(1);
      assertThat(s.get("/replays?winner=red").json().get("replays")).isEmpty();
    }
  }

  @Test
  void aDamagedChunkLeavesTheOutcomeWhenFoundAndComesBackWithItsRepairAcrossRestarts() throws Exception {
    String hash;
    try (TestServer s = TestServer.start(runs)) {
      hash = s.putWorld(REPLAY.get("world")).json().get("world_hash").asText();
      for (int i = 0; i < 8; i++) assertThat(s.post("/push", chunk(hash, i)).status()).isEqualTo(200);
    }
    Path log = runs.resolve("replays/match/replay.log");
    byte[] bytes = java.nio.file.Files.readAllBytes(log);
    for (int i = bytes.length - 30; i < bytes.length - 10; i++) bytes[i] ^= 0x5a; // chunk 7's payload, not its header
    java.nio.file.Files.write(log, bytes);
    try (TestServer s = TestServer.start(runs)) {
      assertThat(s.get("/replays/match").json().get("outcome").get("kills").asInt()).as("not found damaged yet").isEqualTo(9);
      assertThat(s.get("/replays/match/chunks/7").status()).isEqualTo(404);
      JsonNode without = s.get("/replays/match").json().get("outcome");
      assertThat(without.get("kills").asInt()).as("chunk 7's kill is out with it").isEqualTo(8);
      assertThat(without.get("duration_s").asDouble()).isCloseTo(41.75, within(1e-9));
      assertThat(s.post("/push", chunk(hash, 7)).status()).isEqualTo(200);
      expectTheMatch(s.get("/replays/match").json());
    }
    try (TestServer s = TestServer.start(runs)) {
      expectTheMatch(s.get("/replays/match").json()); // the repair's record holds the outcome of all 8
    }
    bytes = java.nio.file.Files.readAllBytes(log);
    java.nio.file.Files.write(log, java.util.Arrays.copyOf(bytes, bytes.length - 20)); // torn, as by a crash mid-write
    try (TestServer s = TestServer.start(runs)) { // the repair is gone: the damaged chunk 7 is back, not yet found
      assertThat(s.get("/replays/match").json().get("chunks_received").asInt()).isEqualTo(8);
      assertThat(s.get("/replays/match").json().get("outcome").get("kills").asInt()).isEqualTo(9);
      assertThat(s.get("/replays/match/chunks/7").status()).isEqualTo(404);
      assertThat(s.get("/replays/match").json().get("outcome").get("kills").asInt()).isEqualTo(8);
    }
  }

  @Test
  void anUndecidedReplayStillBeingPushedSaysSo() throws Exception {
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putWorld(REPLAY.get("world")).json().get("world_hash").asText();
      assertThat(s.post("/push", chunk(hash, 0)).status()).isEqualTo(200);
      JsonNode o = s.get("/replays/match").json().get("outcome");
      assertThat(o.get("winner").isNull()).isTrue();
      assertThat(o.get("rule").asText()).isEqualTo("undecided");
      assertThat(o.get("duration_s").asDouble()).isCloseTo(5.75, within(1e-9));
    }
  }
}
