package dev.echelon.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echelon.server.base.ApiException;
import dev.echelon.server.log.PushedChunk;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PushParserTest {
  private static final String WORLD = "0123456789abcdef";

  private static PushedChunk parse(String body) {
    return PushParser.parse(body.getBytes(StandardCharsets.UTF_8), 1000);
  }

  private static String framesOf(PushedChunk c) {
    var f = c.frames();
    return new String(f.bytes(), f.offset(), f.length(), StandardCharsets.UTF_8);
  }

  @Test
  void leavesTheFramesOfAPythonStyleChunkInTheBodyAndCountsThem() {
    String body = "{\"replay_id\": \"r1\", \"world_ref\": \"" + WORLD + "\", \"chunk_index\": 0, \"chunk_count\": 2,"
        + " \"frames\": [{\"t\": 0.0, \"mechs\": {}}, {\"t\": NaN, \"e\": [1, -2.5e-3]}], \"meta\": {\"episode\": 1}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    PushedChunk c = PushParser.parse(bytes, 1000);
    assertThat(c.frames().bytes()).as("the frames are a slice of the body, not a copy").isSameAs(bytes);
    assertThat(c.replayId()).isEqualTo("r1");
    assertThat(c.chunkIndex()).isZero();
    assertThat(c.chunkCount()).isEqualTo(2);
    assertThat(c.frameCount()).isEqualTo(2);
    assertThat(framesOf(c)).isEqualTo("[{\"t\": 0.0, \"mechs\": {}}, {\"t\": NaN, \"e\": [1, -2.5e-3]}]");
    assertThat(new String(c.meta(), StandardCharsets.UTF_8)).isEqualTo("{\"episode\":1}");
  }

  @Test
  void putsFramesThatSpanLinesOnOneLine() {
    String body = "{\n  \"replay_id\": \"r1\",\n  \"world_ref\": \"" + WORLD + "\",\n  \"chunk_index\": 1,\n"
        + "  \"frames\": [\n    {\"t\": 1},\n    {\"t\": 2}\n  ]\n}\n";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    PushedChunk c = PushParser.parse(bytes, 1000);
    assertThat(c.frames().bytes()).isNotSameAs(bytes);
    assertThat(framesOf(c)).isEqualTo("[{\"t\":1},{\"t\":2}]");
    assertThat(c.frameCount()).isEqualTo(2);
  }

  @Test
  void decodesEscapedFieldNamesAndKeepsTheLastOfDuplicateFields() {
    PushedChunk c = parse("{\"replay\\u005fid\": \"r\\u0031\", \"world_ref\": \"" + WORLD + "\", \"chunk_index\": 3,"
        + " \"frames\": [1], \"frames\": [2, 3], \"unknown\": {\"deep\": [null]}}");
    assertThat(c.replayId()).isEqualTo("r1");
    assertThat(framesOf(c)).isEqualTo("[2, 3]");
  }

  @Test
  void namesTheByteWhereMalformedFramesGoWrong() {
    String head = "{\"replay_id\": \"r1\", \"world_ref\": \"" + WORLD + "\", \"chunk_index\": 0, \"frames\": [";
    assertThatThrownBy(() -> parse(head + "{\"t\": 01}]}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("malformed JSON at byte " + (head.length() + 6))
        .hasMessageContaining("leading zeros");
    assertThatThrownBy(() -> parse(head + "{\"t\": 1}, ]}")).hasMessageContaining("expected a value");
    assertThatThrownBy(() -> parse(head + "{\"t\": 1}]} {}")).hasMessageContaining("trailing content");
  }

  @Test
  void answersWrongTypesWith422NamingTheField() {
    assertThatThrownBy(() -> parse("{\"replay_id\": 5, \"world_ref\": \"" + WORLD + "\", \"chunk_index\": 0, \"frames\": []}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(422))
        .hasMessage("replay_id must be a string, got a number");
    assertThatThrownBy(() -> parse("{\"replay_id\": \"r\", \"world_ref\": \"" + WORLD + "\", \"chunk_index\": 0, \"frames\": {}}"))
        .hasMessage("frames must be an array, got an object");
    assertThatThrownBy(() -> parse("[1, 2]")).hasMessage("a chunk must be a JSON object, got an array");
    assertThatThrownBy(() -> parse("{\"replay_id\": \"r\", \"world_ref\": \"" + WORLD + "\", \"chunk_index\": 1.5, \"frames\": []}"))
        .hasMessage("chunk_index must be an integer, got a number");
  }
}
