package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import dev.echelon.core.WorldHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** PROTOCOL.md §2's rules and the server's defences, each over real HTTP. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class PushRulesIT {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path runs;
  TestServer s;
  String hash;

  @BeforeEach
  void start() {
    ServerConfig config = ServerConfig.forTesting(runs).newBuilder().limits(1 << 20, 4 << 20, 1 << 20).build();
    s = new TestServer(config);
    ObjectNode world = Json.mapper().createObjectNode();
    world.putArray("size").add(8).add(8).add(4);
    world.putArray("walls").addArray().add(1).add(1).add(0).add(1);
    hash = s.putWorld(world).json().get("world_hash").asText();
  }

  @AfterEach
  void stop() {
    s.close();
  }

  String chunk(String id, int index, Object count, String extra) {
    return "{\"replay_id\":\"" + id + "\",\"world_ref\":\"" + hash + "\",\"chunk_index\":" + index
        + ",\"chunk_count\":" + count + ",\"frames\":[{\"t\":" + index + "}]" + extra + "}";
  }

  @Test
  void aWorldWhoseBodyHashesDifferentlyIsRejected() {
    TestServer.Answer a = s.send(new Request.Builder().url(s.url("/worlds/0123456789abcdef"))
        .put(RequestBody.create("{\"size\":[1,1,1]}", TestServer.JSON)).build());
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("detail").asText()).contains("hash mismatch").contains("0123456789abcdef");
    assertThat(s.head("/worlds/0123456789abcdef").status()).isEqualTo(404);
    assertThat(s.get("/worlds/0123456789abcdef").status()).isEqualTo(404);
    TestServer.Answer traversal = s.get("/worlds/..%2F..%2Fetc");
    assertThat(traversal.status()).isIn(400, 404);
    assertThat(traversal.json().get("detail").asText()).isNotEmpty();
    assertThat(s.get("/worlds/ABCDEF0123456789").status()).isEqualTo(400);
  }

  @Test
  void pushingAgainstAnUnknownWorldIsRejectedWithWhatToDo() {
    TestServer.Answer a = s.post("/push", chunk("r", 0, 1, "").replace(hash, "ffffffffffffffff"));
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("detail").asText()).contains("PUT /worlds/ffffffffffffffff");
  }

  @Test
  void malformedJsonIs400AndWrongFieldsAre422NamingTheField() {
    TestServer.Answer bad = s.post("/push", "{\"replay_id\": ");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("detail").asText()).contains("malformed");
    TestServer.Answer wrong = s.post("/push", chunk("r", 0, 1, "").replace("\"chunk_index\":0", "\"chunk_index\":\"zero\""));
    assertThat(wrong.status()).isEqualTo(422);
    assertThat(wrong.json().get("detail").asText()).contains("chunk_index");
    TestServer.Answer badId = s.post("/push", chunk("../etc", 0, 1, ""));
    assertThat(badId.status()).isEqualTo(422);
    assertThat(badId.json().get("detail").asText()).contains("replay_id");
    assertThat(s.post("/push", chunk("ok", 0, 1, ",\"unknown_field\":{\"x\":[1]}")).status()).isEqualTo(200);
  }

  @Test
  void oversizedBodiesAndGzipBombsAre413AndTheServerKeepsServing() {
    String big = "{\"replay_id\":\"big\",\"frames\":[\"" + "x".repeat(2 << 20) + "\"]}";
    TestServer.Answer raw = s.post("/push", big);
    assertThat(raw.status()).isEqualTo(413);
    byte[] bomb = new byte[64 << 20]; // 64 MB of zeros gzip to ~64 KB, far above the 4 MB decoded cap
    TestServer.Answer a = s.postGzip("/push", bomb);
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.json().get("detail").asText()).contains("ECHELON_MAX_DECODED_BYTES");
    TestServer.Answer corrupt = s.send(new Request.Builder().url(s.url("/push")).header("Content-Encoding", "gzip")
        .post(RequestBody.create("not gzip".getBytes(StandardCharsets.US_ASCII), TestServer.JSON)).build());
    assertThat(corrupt.status()).isEqualTo(400);
    assertThat(s.get("/health").status()).isEqualTo(200);
    assertThat(s.postGzip("/push", chunk("after", 0, 1, "").getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
  }

  @Test
  void duplicatesAreIdempotentAndNotRebroadcast() {
    try (SseReader viewer = new SseReader(s.url("/events"))) {
      assertThat(s.post("/push", chunk("d", 0, 2, "")).json().get("status").asText()).isEqualTo("ok");
      TestServer.Answer again = s.post("/push", chunk("d", 0, 2, ""));
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.json().get("status").asText()).isEqualTo("duplicate");
      assertThat(s.post("/push", chunk("d", 1, 2, "")).json().get("status").asText()).isEqualTo("ok");
      assertThat(viewer.next(WAIT).name()).isEqualTo("replay_start");
      assertThat(viewer.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(0);
      assertThat(viewer.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(1);
      assertThat(viewer.next(WAIT).name()).isEqualTo("replay_end");
    }
    assertThat(s.get("/metrics").body()).contains("echelon_duplicate_chunks_total 1");
  }

  @Test
  void outOfOrderChunksEndTheReplayOnceAllHaveArrived() {
    try (SseReader viewer = new SseReader(s.url("/events"))) {
      for (int i : new int[] {2, 0, 1}) assertThat(s.post("/push", chunk("ooo", i, 3, "")).status()).isEqualTo(200);
      assertThat(viewer.next(WAIT).name()).isEqualTo("replay_start");
      assertThat(viewer.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(2);
      assertThat(viewer.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(0);
      assertThat(viewer.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(1);
      assertThat(viewer.next(WAIT).name()).isEqualTo("replay_end");
    }
  }

  @Test
  void aConflictingChunkCountIs409() {
    assertThat(s.post("/push", chunk("c", 0, 3, "")).status()).isEqualTo(200);
    TestServer.Answer a = s.post("/push", chunk("c", 1, 4, ""));
    assertThat(a.status()).isEqualTo(409);
    assertThat(a.json().get("detail").asText()).contains("chunk_count").contains("3").contains("4");
    assertThat(s.post("/push", chunk("c", 0, 5, "")).status()).isEqualTo(409);
    assertThat(s.post("/push", chunk("c", 1, 3, "")).status()).isEqualTo(200);
  }

  @Test
  void aLiveStreamEndsWithItsFinalChunk() {
    try (SseReader viewer = new SseReader(s.url("/events"))) {
      assertThat(s.post("/push", chunk("live", 0, null, "")).status()).isEqualTo(200);
      assertThat(s.post("/push", chunk("live", 1, null, "")).status()).isEqualTo(200);
      SseReader.Event start = viewer.next(WAIT);
      assertThat(start.json().get("chunk_count").isNull()).isTrue();
      viewer.next(WAIT);
      viewer.next(WAIT);
      assertThat(s.post("/push", chunk("live", 2, null, ",\"final\":true")).status()).isEqualTo(200);
      assertThat(viewer.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(2);
      assertThat(viewer.next(WAIT).name()).isEqualTo("replay_end");
      assertThat(s.post("/push", chunk("live", 3, null, "")).status()).isEqualTo(409);
    }
  }

  @Test
  void aPushTokenGuardsWritesButNotReads() {
    s.close();
    s = new TestServer(ServerConfig.forTesting(runs).newBuilder().pushToken("s3cret").build());
    TestServer.Answer noToken = s.post("/push", chunk("t", 0, 1, ""));
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.json().get("detail").asText()).contains("Bearer");
    TestServer.Answer wrong = s.send(new Request.Builder().url(s.url("/push")).header("Authorization", "Bearer nope")
        .post(RequestBody.create(chunk("t", 0, 1, ""), TestServer.JSON)).build());
    assertThat(wrong.status()).isEqualTo(401);
    TestServer.Answer right = s.send(new Request.Builder().url(s.url("/push")).header("Authorization", "Bearer s3cret")
        .post(RequestBody.create(chunk("t", 0, 1, ""), TestServer.JSON)).build());
    assertThat(right.status()).isEqualTo(200);
    assertThat(s.get("/health").status()).isEqualTo(200);
    assertThat(s.head("/worlds/" + hash).status()).isEqualTo(200);
    ObjectNode w = Json.mapper().createObjectNode().put("seed", 1);
    assertThat(s.send(new Request.Builder().url(s.url("/worlds/" + WorldHash.of(w)))
        .put(RequestBody.create(w.toString(), TestServer.JSON)).build()).status()).isEqualTo(401);
    TestServer.Answer two = s.send(new Request.Builder().url(s.url("/push")).addHeader("Authorization", "Bearer s3cret")
        .addHeader("Authorization", "Bearer other").post(RequestBody.create(chunk("t", 0, 1, ""), TestServer.JSON)).build());
    assertThat(two.status()).isEqualTo(400);
    assertThat(two.json().get("detail").asText()).contains("one Authorization header");
  }
}
