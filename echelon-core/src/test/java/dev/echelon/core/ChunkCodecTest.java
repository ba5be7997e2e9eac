package dev.echelon.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {
  static final String HASH = "0123456789abcdef";

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheEnvelopeAndKeepsFramesRawAndSingleLine() throws Exception {
    String body = "{\n  \"replay_id\": \"r-1\",\n  \"world_ref\": \"" + HASH + "\",\n"
        + "  \"chunk_index\": 0, \"chunk_count\": 2,\n"
        + "  \"frames\": [\n    {\"t\": 0.5, \"s\": \"a b\\n\\\" c\"},\n    [1, 2]\n  ],\n"
        + "  \"meta\": {\"episode\": 3}, \"extra\": {\"ignored\": [1]}, \"run\": {\"name\": \"x\"}\n}";
    Chunk c = ChunkCodec.read(utf8(body));
    assertThat(c.replayId()).isEqualTo("r-1");
    assertThat(c.worldRef()).isEqualTo(HASH);
    assertThat(c.chunkIndex()).isZero();
    assertThat(c.chunkCount()).isEqualTo(2);
    assertThat(c.frameCount()).isEqualTo(2);
    assertThat(c.frames().toString()).isEqualTo("[{\"t\":0.5,\"s\":\"a b\\n\\\" c\"},[1,2]]");
    assertThat(c.frames().toString()).doesNotContain("\n");
    assertThat(c.meta().get("episode").asInt()).isEqualTo(3);
    assertThat(c.run().get("name").asText()).isEqualTo("x");
    JsonNode frames = Json.mapper().readTree(c.frames().toString());
    assertThat(frames.get(0).get("s").asText()).isEqualTo("a b\n\" c");
  }

  @Test
  void writeThenReadRoundTrips() {
    Chunk c = new Chunk("abc", HASH, 4, null, true, RawJson.compact("[{\"a\":1}]"), 1,
        Json.mapper().createObjectNode().put("episode", 1), null);
    Chunk back = ChunkCodec.read(ChunkCodec.write(c));
    assertThat(back).isEqualTo(c);
    assertThat(back.knownTotal()).isEqualTo(5);
  }

  @Test
  void liveChunksMayLeaveTheCountNull() {
    Chunk c = ChunkCodec.read(utf8("{\"replay_id\":\"a\",\"world_ref\":\"" + HASH
        + "\",\"chunk_index\":7,\"chunk_count\":null,\"frames\":[]}"));
    assertThat(c.chunkCount()).isNull();
    assertThat(c.last()).isFalse();
    assertThat(c.knownTotal()).isNull();
  }

  @Test
  void malformedJsonIsMalformed() {
    for (String bad : new String[] {"{\"replay_id\":", "", "{\"a\":[1,2", "{} {}", "nul"}) {
      assertThatThrownBy(() -> ChunkCodec.read(utf8(bad)))
          .as(bad)
          .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.malformed()).isTrue());
    }
  }

  @Test
  void wrongFieldsNameTheFieldAndTheValue() {
    String ok = "\"world_ref\":\"" + HASH + "\",\"frames\":[]";
    assertInvalid("{\"replay_id\":\"../x\",\"chunk_index\":0," + ok + "}", "replay_id", "\"../x\"");
    assertInvalid("{\"replay_id\":5,\"chunk_index\":0," + ok + "}", "replay_id", "a number");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":\"0\"," + ok + "}", "chunk_index", "a string");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":1e3," + ok + "}", "chunk_index", "a number");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":99999999999," + ok + "}", "chunk_index", "99999999999");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":3,\"chunk_count\":3," + ok + "}", "chunk_index", "3");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":-1," + ok + "}", "chunk_index", "-1");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":0,\"chunk_count\":0," + ok + "}", "chunk_count", "0");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":0,\"world_ref\":\"XYZ\",\"frames\":[]}", "world_ref", "XYZ");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":0,\"world_ref\":\"" + HASH + "\",\"frames\":{}}", "frames", "an object");
    assertInvalid("{\"replay_id\":\"a\",\"world_ref\":\"" + HASH + "\",\"frames\":[]}", "chunk_index", "required");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":0,\"world_ref\":\"" + HASH + "\"}", "frames", "required");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":0,\"meta\":[1]," + ok + "}", "meta", "ARRAY");
    assertInvalid("{\"replay_id\":\"a\",\"chunk_index\":0,\"final\":\"yes\"," + ok + "}", "final", "a string");
    assertInvalid("[1]", "chunk", "object");
  }

  private static void assertInvalid(String body, String field, String value) {
    assertThatThrownBy(() -> ChunkCodec.read(utf8(body)))
        .as(body)
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.malformed()).isFalse())
        .hasMessageContaining(field)
        .hasMessageContaining(value);
  }

  @Test
  void deepNestingIsRejectedNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThatThrownBy(() -> ChunkCodec.read(utf8("{\"frames\":" + deep + "}")))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> World.parse(utf8("{\"a\":" + deep + "}")))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void rawJsonArraysJoinCompactElementsAsTheyAre() {
    var elements = java.util.List.of(RawJson.compact("{ \"a\" : 1 }"), RawJson.serialize(java.util.Map.of("b", "x y")),
        RawJson.compact("[ 2 ]"));
    assertThat(RawJson.array(elements, 0, 3).toString()).isEqualTo("[{\"a\":1},{\"b\":\"x y\"},[2]]");
    assertThat(RawJson.array(elements, 1, 2).toString()).isEqualTo("[{\"b\":\"x y\"}]");
    assertThat(RawJson.array(elements, 2, 2).toString()).isEqualTo("[]");
  }

  @Test
  void rawJsonCompactionLeavesStringsAlone() {
    assertThat(RawJson.compact("[ \"a\\\\\" , \" x\\ty \" ,\r\n{ } ]").toString())
        .isEqualTo("[\"a\\\\\",\" x\\ty \",{}]");
  }
}
