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
import org.junit.jupiter.api.Timeout;

/**
 * The hostile-input corpus (src/test/resources/hostile/*.json): every malformed or hostile request
 * gets a 4xx with a JSON detail, the server stays up, and nothing stored changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300) // each test: a hang fails instead of stalling the build
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
    huge.putArray("size").add(30000).add(30000).add(100);
    vars.put("$HUGE", s.putWorld(huge).json().get("world_hash").asText());
    for (int side : new int[] {4096, 2048}) { // 24-byte worlds whose graphs would cost gigabytes
      ObjectNode flat = Json.mapper().createObjectNode();
      flat.putArray("size").add(side).add(side).add(1);
      flat.putArray("walls");
      vars.put("$FLAT" + side, s.putWorld(flat).json().get("world_hash").asText());
    }
    ObjectNode tall = Json.mapper().createObjectNode(); // small, all solid, no head room, huge steps
    tall.putArray("size").add(8).add(8).add(4096);
    tall.putObject("meta").putObject("validator").put("clearance_z", 0);
    tall.with("meta").putObject("nav").put("mech_radius", 0).put("step_height_max", 1024);
    var walls = tall.putArray("walls");
    for (int z = 0; z < 4096; z++) for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) walls.addArray().add(x).add(y).add(z);
    vars.put("$TALL", s.putWorld(tall).json().get("world_hash").asText());
    String wild = "{\"size\":[6,6,3],\"meta\":{\"nav\":{\"mech_radius\":0}},\"walls\":[[99999999999,0,0],[-2147483649,0,0],"
        + "[4294967297,1,1],[123456789012345678901234567890,0,0],[1,1,1,4294967297],[2,2,0,1],[3,3,0,1],[1,1,0]]}";
    byte[] wildBytes = wild.getBytes(StandardCharsets.UTF_8);
    TestServer.Answer w = s.send(new Request.Builder().url(s.url("/worlds/" + dev.echelon.core.WorldHash.of(wildBytes)))
        .put(RequestBody.create(wildBytes, MediaType.get("application/json"))).build());
    assertThat(w.status()).as(w.body()).isEqualTo(200);
    vars.put("$WILD", w.json().get("world_hash").asText());
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
      tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
        run(c);
      }));
    }
    return tests;
  }

  private int run(JsonNode c) throws IOException {
    String path = substitute(c.get("path").asText());
    byte[] body = body(c);
    Request.Builder req = new Request.Builder().url(s.url(path));
    if (c.path("generate").path("gzip").asBoolean()) req.header("Content-Encoding", "gzip");
    c.path("headers").properties().forEach(h -> req.header(h.getKey(), h.getValue().asText()));
    String method = c.get("method").asText();
    req.method(method, method.equals("GET") || method.equals("HEAD") ? null
        : RequestBody.create(body, MediaType.get("application/json")));
    TestServer.Answer a = s.send(req.build());
    assertThat(c.get("expect")).as("one exact status per case").hasSize(1);
    int expected = c.get("expect").get(0).asInt();
    assertThat(a.status()).as(c.get("name").asText() + " -> " + a.body()).isEqualTo(expected);
    if (expected >= 400 && !method.equals("HEAD")) {
      assertThat(a.json().path("detail").asText()).as(c.get("name").asText()).isNotBlank();
    }
    assertThat(s.get("/health").status()).isEqualTo(200);
    return a.status();
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
      case "text" -> substitute(gen.get("text").asText()).getBytes(StandardCharsets.UTF_8);
      case "utf16" -> substitute(gen.get("template").asText()).getBytes(StandardCharsets.UTF_16);
      case "utf32" -> substitute(gen.get("template").asText()).getBytes(java.nio.charset.Charset.forName("UTF-32"));
      case "bigmeta" -> substitute(gen.get("template").asText()).replaceFirst("\\}$",
          ",\"meta\":{\"note\":\"" + "m".repeat(gen.get("bytes").asInt()) + "\"}}").getBytes(StandardCharsets.UTF_8);
      default -> throw new IllegalArgumentException("unknown generator " + gen);
    };
    return gen.path("gzip").asBoolean() ? TestServer.gzip(raw) : raw;
  }

  private String substitute(String s) {
    for (var e : vars.entrySet()) s = s.replace(e.getKey(), e.getValue());
    return s;
  }

  @Test
  void theWholeCorpusInSequenceNeverGets500AndHeapStaysBounded() throws Exception {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long heap0 = rt.totalMemory() - rt.freeMemory();
    List<Path> files;
    try (Stream<Path> list = Files.list(Path.of(URI.create(HostileInputIT.class.getResource("/hostile").toString())))) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (int round = 0; round < 2; round++) {
      for (Path f : files) {
        JsonNode c = Json.mapper().readTree(f.toFile());
        String path = substitute(c.get("path").asText());
        Request.Builder req = new Request.Builder().url(s.url(path));
        if (c.path("generate").path("gzip").asBoolean()) req.header("Content-Encoding", "gzip");
        c.path("headers").properties().forEach(h -> req.header(h.getKey(), h.getValue().asText()));
        String method = c.get("method").asText();
        req.method(method, method.equals("GET") || method.equals("HEAD") ? null
            : RequestBody.create(body(c), MediaType.get("application/json")));
        assertThat(s.send(req.build()).status()).as(f.getFileName().toString()).isLessThan(500);
      }
    }
    System.gc();
    long heap = rt.totalMemory() - rt.freeMemory();
    // figures for BENCHMARKS.md; the server shares this JVM, so peak RSS is an upper bound for it
    System.out.printf("hostile corpus: %d cases x 2 rounds, heap after GC %+d MB, peak RSS %s%n",
        files.size(), (heap - heap0) >> 20, peakRss());
    assertThat(heap - heap0).as("heap after GC grew by %d MB", (heap - heap0) >> 20).isLessThan(256L << 20);
  }

  private static String peakRss() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
          .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    } catch (java.io.IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
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
