package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input corpus (src/test/resources/hostile/*.json): every malformed or hostile request
 * gets a 4xx with a JSON detail, the server stays up, and nothing stored changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
  @TempDir static Path runs;
  TestServer s;
  Map<String, String> vars = new TreeMap<>();
  Map<String, String> before;
  String replaysBefore;

  @BeforeAll
  void start() throws Exception {
    s = new TestServer(ServerConfig.forTesting(runs).newBuilder().limits(2L << 20, 16L << 20, 4L << 20).build());
    ObjectNode world = Json.mapper().createObjectNode();
    world.putArray("size").add(6).add(6).add(3);
    world.putArray("walls").addArray().add(1).add(1).add(0).add(1);
    vars.put("$WORLD", s.putWorld(world).json().get("world_hash").asText());
    ObjectNode other = world.deepCopy().put("seed", 2);
    vars.put("$OTHER", s.putWorld(other).json().get("world_hash").asText());
    ObjectNode huge = Json.mapper().createObjectNode();
    huge.putArray("size").add(100000).add(100000).add(100);
    vars.put("$HUGE", s.putWorld(huge).json().get("world_hash").asText());
    for (int i : new int[] {0, 2}) {
      assertThat(s.post("/push", "{\"replay_id\":\"hostile\",\"world_ref\":\"" + vars.get("$WORLD") + "\",\"chunk_index\":"
          + i + ",\"chunk_count\":3,\"frames\":[{\"t\":" + i + "}]}").status()).isEqualTo(200);
    }
    before = snapshot();
    replaysBefore = s.get("/replays").body();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  @TestFactory
  List<DynamicTest> everyHostileRequestGetsA4xxWithAJsonDetail() throws Exception {
    List<Path> files;
    try (Stream<Path> list = Files.list(Path.of(URI.create(HostileInputIT.class.getResource("/hostile").toString())))) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(50);
    List<DynamicTest> tests = new ArrayList<>();
    for (Path f : files) {
      JsonNode c = Json.mapper().readTree(f.toFile());
      tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(c)));
    }
    return tests;
  }

  private void run(JsonNode c) throws IOException {
    String path = substitute(c.get("path").asText());
    byte[] body = body(c);
    Request.Builder req = new Request.Builder().url(s.url(path));
    c.path("headers").properties().forEach(h -> req.header(h.getKey(), h.getValue().asText()));
    if (c.path("generate").path("gzip").asBoolean()) req.header("Content-Encoding", "gzip");
    String method = c.get("method").asText();
    req.method(method, method.equals("GET") || method.equals("HEAD") ? null
        : RequestBody.create(body, MediaType.get("application/json")));
    TestServer.Answer a = s.send(req.build());
    List<Integer> expected = new ArrayList<>();
    c.get("expect").forEach(e -> expected.add(e.asInt()));
    assertThat(a.status()).as(c.get("name").asText() + " -> " + a.body()).isIn(expected.toArray());
    assertThat(a.json().path("detail").asText()).as(c.get("name").asText()).isNotBlank();
    assertThat(s.get("/health").status()).isEqualTo(200);
  }

  private byte[] body(JsonNode c) throws IOException {
    JsonNode gen = c.get("generate");
    if (gen == null) return substitute(c.path("body").asText("")).getBytes(StandardCharsets.UTF_8);
    byte[] raw = switch (gen.get("kind").asText()) {
      case "deep" -> {
        int depth = gen.get("depth").asInt();
        String deep = "[".repeat(depth) + "]".repeat(depth);
        yield substitute(gen.get("template").asText()).replace("\"@DEEP@\"", deep).getBytes(StandardCharsets.UTF_8);
      }
      case "big" -> ("{\"frames\":[\"" + "x".repeat(gen.get("bytes").asInt()) + "\"]}").getBytes(StandardCharsets.UTF_8);
      case "zeros" -> new byte[gen.get("bytes").asInt()];
      default -> throw new IllegalArgumentException("unknown generator " + gen);
    };
    return gen.path("gzip").asBoolean() ? TestServer.gzip(raw) : raw;
  }

  private String substitute(String s) {
    for (var e : vars.entrySet()) s = s.replace(e.getKey(), e.getValue());
    return s;
  }

  @Test
  void nothingStoredChangedAfterTheCorpus() throws Exception {
    everyHostileRequestGetsA4xxWithAJsonDetail().forEach(t -> {
      try {
        t.getExecutable().execute();
      } catch (Throwable e) {
        // failures are reported by the factory's own run; here only the stored state matters
      }
    });
    assertThat(snapshot()).isEqualTo(before);
    assertThat(s.get("/replays").body()).isEqualTo(replaysBefore);
  }

  /** Every file under the runs directory with the SHA-256 of its content. */
  private Map<String, String> snapshot() throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(runs)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        try (InputStream in = Files.newInputStream(p)) {
          out.put(runs.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())));
        }
      }
    }
    return out;
  }
}
