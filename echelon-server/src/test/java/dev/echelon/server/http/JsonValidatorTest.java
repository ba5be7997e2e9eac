package dev.echelon.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import dev.echelon.server.base.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class JsonValidatorTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The scanner's verdict: the end of the value and its element count, or null when malformed. */
  private static int[] scan(byte[] b) {
    JsonValidator s = new JsonValidator(b);
    try {
      int p = s.whitespace(0);
      int end = s.skipValue(p, 0);
      if (s.whitespace(end) != b.length) return null;
      return new int[] {end, b[p] == '[' ? s.elements : -1};
    } catch (ApiException e) {
      assertThat(e.status()).isEqualTo(400);
      return null;
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new AssertionError("the scanner read past the input: " + new String(b, StandardCharsets.UTF_8), e);
    }
  }

  /** Jackson's verdict with the protocol's configuration, in the same form. */
  private static int[] jackson(byte[] b) {
    try (JsonParser p = Json.mapper().createParser(b)) {
      JsonToken first = p.nextToken();
      if (first == null) return null;
      int n = 0;
      if (first == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          p.skipChildren();
          n++;
        }
      } else {
        p.skipChildren();
        if (first == JsonToken.VALUE_STRING) p.getText(); // Jackson decodes strings lazily
      }
      int end = (int) p.currentLocation().getByteOffset();
      if (p.nextToken() != null) return null;
      return new int[] {end, first == JsonToken.START_ARRAY ? n : -1};
    } catch (IOException e) {
      return null;
    }
  }

  @Test
  void acceptsWhatPythonsJsonModuleWrites() {
    for (String ok : new String[] {
        "[]", "{}", "[1, 2.5, -0.0, 1e10, 1E-5, -3.25e+2]", "[NaN, Infinity, -Infinity]", "[true, false, null]",
        "{\"a\": {\"b\": [[], {}]}, \"c\": \"\\u00e9\\n\\\"\"}", "\"caf\u00e9 \u6f22 \ud83d\ude80\"", " [ 1 ,\n 2 ] "}) {
      assertThat(scan(bytes(ok))).as(ok).isNotNull().containsExactly(jackson(bytes(ok)));
    }
  }

  @Test
  void refusesWhatTheProtocolsJacksonRefuses() {
    for (String bad : new String[] {
        "[1,]", "[,1]", "{\"a\" 1}", "{\"a\":1,}", "{'a': 1}", "[01]", "[1.]", "[.5]", "[-]", "[1e]", "[+1]", "[tru]",
        "[nul]", "[\"a\\q\"]", "[\"a\u0001\"]", "[\"\\u12g4\"]", "[\"open]", "[1 2]", "{\"a\":1 \"b\":2}", "[NaNa]",
        "[", "{", "{\"a\"", "{\"a\":", "]", "[1]]", "[}"}) {
      assertThat(scan(bytes(bad))).as(bad).isNull();
      assertThat(jackson(bytes(bad))).as("Jackson on " + bad).isNull();
    }
  }

  @Test
  void refusesMalformedUtf8InStrings() {
    for (byte[] bad : new byte[][] {
        {'"', (byte) 0xc0, (byte) 0x80, '"'}, {'"', (byte) 0xe0, (byte) 0x80, (byte) 0x80, '"'},
        {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}, {'"', (byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80, '"'},
        {'"', (byte) 0x80, '"'}, {'"', (byte) 0xc3, '"'}, {'"', (byte) 0xe2, (byte) 0x82}}) {
      assertThat(scan(bad)).isNull();
    }
  }

  @Test
  void refusesNestingDeeperThanTheProtocolAllows() {
    String ok = "[".repeat(Json.MAX_NESTING_DEPTH) + "]".repeat(Json.MAX_NESTING_DEPTH);
    String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1);
    assertThat(scan(bytes(ok))).isNotNull();
    assertThat(scan(bytes(deep))).isNull();
    assertThat(jackson(bytes(deep))).isNull();
    assertThatThrownBy(() -> new JsonValidator(bytes("[" + deep + "]")).skipValue(0, 0))
        .hasMessageContaining("nesting deeper than " + Json.MAX_NESTING_DEPTH).hasMessageContaining("at byte");
  }

  @Test
  void countsTheFramesOfARealReplayAndFindsTheirEnd() throws IOException {
    byte[] frames = realFrames(Integer.MAX_VALUE);
    int[] got = scan(frames);
    assertThat(got).containsExactly(jackson(frames));
    assertThat(got[1]).isEqualTo(185);
  }

  @Test
  void notesLineBreaksBetweenTokens() {
    JsonValidator s = new JsonValidator(bytes("[1,\n2]"));
    s.skipValue(0, 0);
    assertThat(s.lineBreak).isTrue();
    JsonValidator one = new JsonValidator(bytes("[1, \"a\\nb\"]"));
    one.skipValue(0, 0);
    assertThat(one.lineBreak).isFalse();
  }

  /** Thousands of single-byte mutations of real frames: the scanner and Jackson always agree. */
  @Test
  void agreesWithJacksonOnMutatedFrames() throws IOException {
    byte[] base = realFrames(2);
    assertThat(scan(base)).isNotNull();
    byte[] alphabet = bytes("{}[],:\"\\ \n0123456789.eE+-NaIfinitytrueflsn/ux\u0001");
    SplittableRandom rnd = new SplittableRandom(42);
    int disagreements = 0;
    StringBuilder examples = new StringBuilder();
    for (int round = 0; round < 20_000; round++) {
      byte[] m = mutate(base, rnd, alphabet);
      int[] a = scan(m);
      int[] b = jackson(m);
      boolean same = a == null ? b == null : b != null && a[0] == b[0] && a[1] == b[1];
      if (!same && disagreements++ < 3) {
        examples.append("\n").append(new String(m, StandardCharsets.UTF_8), 0, Math.min(m.length, 300));
      }
    }
    assertThat(disagreements).as("disagreements, e.g.%s", examples).isZero();
  }

  private static byte[] mutate(byte[] base, SplittableRandom rnd, byte[] alphabet) {
    int at = rnd.nextInt(base.length);
    byte c = alphabet[rnd.nextInt(alphabet.length)];
    return switch (rnd.nextInt(3)) {
      case 0 -> {
        byte[] m = base.clone();
        m[at] = c;
        yield m;
      }
      case 1 -> {
        byte[] m = new byte[base.length + 1];
        System.arraycopy(base, 0, m, 0, at);
        m[at] = c;
        System.arraycopy(base, at, m, at + 1, base.length - at);
        yield m;
      }
      default -> {
        byte[] m = new byte[base.length - 1];
        System.arraycopy(base, 0, m, 0, at);
        System.arraycopy(base, at + 1, m, at, base.length - at - 1);
        yield m;
      }
    };
  }

  /** The first {@code n} frames of the simulator's fixture replay, as Python's json.dumps writes them. */
  private static byte[] realFrames(int n) throws IOException {
    try (InputStream in = new GZIPInputStream(JsonValidatorTest.class.getResourceAsStream("/fixtures/replay-20x20-seed0.json.gz"))) {
      JsonNode frames = Json.mapper().readTree(in).get("frames");
      var out = new StringBuilder("[");
      for (int i = 0; i < Math.min(n, frames.size()); i++) out.append(i == 0 ? "" : ", ").append(frames.get(i));
      return bytes(out.append(']').toString().replace(",\"", ", \"").replace("\":", "\": "));
    }
  }
}
