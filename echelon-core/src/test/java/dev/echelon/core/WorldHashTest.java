package dev.echelon.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class WorldHashTest {

  static byte[] resource(String name) throws IOException {
    try (InputStream in = WorldHashTest.class.getResourceAsStream("/" + name)) {
      if (in == null) throw new IOException("missing test resource " + name);
      InputStream body = name.endsWith(".gz") ? new GZIPInputStream(in) : in;
      return body.readAllBytes();
    }
  }

  @TestFactory
  List<DynamicTest> everyPythonVectorHashesIdentically() throws IOException {
    JsonNode vectors = Json.mapper().readTree(resource("hash-vectors.json"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : vectors) {
      String name = v.get("name").asText();
      String expected = v.get("hash").asText();
      tests.add(DynamicTest.dynamicTest(name, () -> {
        if (v.has("input")) {
          byte[] input = v.get("input").asText().getBytes(StandardCharsets.UTF_8);
          JsonNode doc = World.readTree(input);
          assertThat(WorldHash.canonical(doc)).isEqualTo(v.get("canonical").asText());
          assertThat(WorldHash.of(input)).isEqualTo(expected);
        } else {
          String file = v.get("input_file").asText().split(" ")[0];
          byte[] bytes = resource(file);
          JsonNode doc = World.readTree(bytes);
          if (file.contains("replay-")) doc = doc.get("world");
          else assertThat(WorldHash.of(bytes)).as("streamed").isEqualTo(expected);
          assertThat(WorldHash.of(doc)).isEqualTo(expected);
        }
      }));
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(14);
    return tests;
  }

  @Test
  void streamingAndTreeHashesAgreeOnNestingDuplicatesAndNumbers() {
    String[] docs = {
        "{\"b\":1,\"a\":{\"y\":2,\"x\":[1,2.5,{\"k\":null,\"\u00e9\":true}]},\"b\":3}",
        "{\"size\":[100,100,20],\"walls\":[[1,2,3,1],[4,5,6]],\"voxel_size_m\":1.0,\"big\":123456789012345678901234567890}",
        "[1e-5,-0.0,0.1,1e16,12345678901234567,-0,false]",
        "{\"\uD83D\uDE00\":1,\"\uE000\":2,\"nested\":{\"z\":{\"y\":{}},\"a\":[]}}"};
    for (String d : docs) {
      byte[] b = d.getBytes(StandardCharsets.UTF_8);
      assertThat(WorldHash.of(b)).as(d).isEqualTo(WorldHash.of(World.readTree(b)));
    }
  }

  @Test
  void canonicalKeyOrderIsByCodePointNotUtf16() {
    assertThat(CanonicalJson.compareCodePoints("\uD83D\uDE00", "\uE000")).isPositive();
    assertThat("\uD83D\uDE00".compareTo("\uE000")).isNegative();
    assertThat(CanonicalJson.compareCodePoints("ab", "abc")).isNegative();
    assertThat(CanonicalJson.compareCodePoints("b", "a")).isPositive();
  }

  @Test
  void controlAndDeleteCharactersAreEscapedAsPythonDoes() {
    JsonNode doc = World.readTree("{\"k\":\"\\u007f\\u0000\\b\\f/\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(WorldHash.canonical(doc)).isEqualTo("{\"k\":\"\\u007f\\u0000\\b\\f/\"}");
  }

  @Test
  void pythonLiteralsForNonFiniteNumbersAreAccepted() {
    JsonNode doc = World.readTree("{\"a\":NaN,\"b\":-Infinity,\"c\":1e400}".getBytes(StandardCharsets.UTF_8));
    assertThat(WorldHash.canonical(doc)).isEqualTo("{\"a\":NaN,\"b\":-Infinity,\"c\":Infinity}");
  }

  @Test
  void malformedJsonIsReportedAsMalformed() {
    assertThatThrownBy(() -> WorldHash.of("{\"a\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.malformed()).isTrue());
  }

  @Test
  void validHashesAreSixteenLowercaseHexDigits() {
    assertThat(WorldHash.isValid("0123456789abcdef")).isTrue();
    assertThat(WorldHash.isValid("0123456789ABCDEF")).isFalse();
    assertThat(WorldHash.isValid("0123456789abcde")).isFalse();
    assertThat(WorldHash.isValid("../../etc/passwd")).isFalse();
    assertThatThrownBy(() -> WorldHash.requireValid("world_ref", "nope"))
        .hasMessageContaining("world_ref").hasMessageContaining("\"nope\"");
  }
}
