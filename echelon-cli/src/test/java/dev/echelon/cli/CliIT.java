package dev.echelon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.server.SseReader;
import dev.echelon.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** The command line against the real server. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class CliIT {
  @TempDir Path dir;

  @Test
  void pushSendsAGzippedReplayFileWithProgress() throws Exception {
    Path file = dir.resolve("replay.json.gz");
    try (InputStream in = TestServer.class.getResourceAsStream("/fixtures/replay-20x20-seed0.json.gz")) {
      Files.copy(in, file);
    }
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(dir.resolve("runs")); SseReader viewer = new SseReader(s.url("/events"))) {
      var out = new ByteArrayOutputStream();
      var err = new ByteArrayOutputStream();
      int code = Cli.run(new String[] {"push", file.toString(), "--server", s.url("")}, print(out), print(err));
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("185 frames in 2 chunks").contains("world uploaded");
      assertThat(err.toString()).contains("chunk 2/2");
      SseReader.Event start = viewer.next(Duration.ofSeconds(10));
      String id = start.json().get("replay_id").asText();
      assertThat(out.toString()).contains("watch it: " + s.url("/") + "?replay=" + id);
      assertThat(start.json().get("meta").get("name").asText()).isEqualTo("replay");
      assertThat(viewer.next(Duration.ofSeconds(10)).json().get("frames").get(0)).isEqualTo(replay.get("frames").get(0));
    }
  }

  @Test
  void pullWritesAStoredReplayBackAsTheFileItWasPushedFrom() throws Exception {
    Path file = dir.resolve("replay.json.gz");
    try (InputStream in = TestServer.class.getResourceAsStream("/fixtures/replay-20x20-seed0.json.gz")) {
      Files.copy(in, file);
    }
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(dir.resolve("runs"))) {
      Run pushed = cli("push", file.toString(), "--server", s.url(""));
      assertThat(pushed.code()).as(pushed.err()).isZero();
      String id = pushed.out().replaceAll("(?s).*\\?replay=([A-Za-z0-9_-]+).*", "$1");

      Path back = dir.resolve("back.json.gz");
      Run pulled = cli("pull", id, "-o", back.toString(), "--server", s.url(""));
      assertThat(pulled.code()).as(pulled.err()).isZero();
      assertThat(pulled.out()).startsWith(back + ": replay " + id);
      JsonNode got;
      try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(back))) {
        got = TestServer.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      assertThat(got.get("world")).isEqualTo(replay.get("world"));
      assertThat(got.get("frames")).isEqualTo(replay.get("frames"));

      Run missing = cli("pull", "gone", "-o", dir.resolve("gone.json.gz").toString(), "--server", s.url(""));
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.err()).contains("pull gone").contains("HTTP 404").contains("not in the archive");
      assertThat(dir.resolve("gone.json.gz")).doesNotExist();
      try (var left = Files.list(dir)) {
        assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
      }
      assertThat(cli("pull").code()).isEqualTo(2);
      assertThat(cli("pull", "a", "b").err()).contains("pull takes one replay id, got 2");
    }
  }

  /** Runs the command line; returns exit status, stdout and stderr. */
  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code = Cli.run(args, print(out), print(err));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void eachMistakeGetsAOneLineMessageThatSaysWhatToDo() throws Exception {
    Path file = dir.resolve("episode.json");
    Files.writeString(file, "{\"world\": {\"size\": [4, 4, 4], \"walls\": []}, \"frames\": [{\"t\": 0}]}");
    assertThat(cli("push", dir.resolve("missing.json").toString()))
        .satisfies(r -> assertThat(r.code()).isEqualTo(1))
        .satisfies(r -> assertThat(r.err()).contains("missing.json: no such file"));
    assertThat(cli("push", dir.toString()))
        .satisfies(r -> assertThat(r.code()).isEqualTo(1))
        .satisfies(r -> assertThat(r.err()).contains(dir + " is a directory; pass the replay files in it"));
    Run noScheme = cli("push", file.toString(), "--server", "localhost:8090");
    assertThat(noScheme.code()).isEqualTo(2);
    assertThat(noScheme.err()).startsWith("echelon: server URL must start with http:// or https://, got \"localhost:8090\";"
        + " did you mean http://localhost:8090 ?").doesNotContain("Exception");
    assertThat(cli("bogus").err()).contains("unknown command \"bogus\"");
    assertThat(cli("push", "--bogus").err()).contains("unknown option --bogus for push");
    assertThat(cli("push", "--help")).satisfies(r -> assertThat(r.code()).isZero())
        .satisfies(r -> assertThat(r.out()).startsWith("usage: echelon push FILE..."));
    assertThat(cli("demo", "--help").out()).startsWith("usage: echelon demo");
    assertThat(cli("help", "push").out()).startsWith("usage: echelon push");
    try (TestServer s = TestServer.start(dir.resolve("runs"))) {
      Run tls = cli("push", file.toString(), "--server", s.url("").replace("http://", "https://"));
      assertThat(tls.code()).isEqualTo(1);
      assertThat(tls.err()).contains("does not speak https; try http://").doesNotContain("Is the server running");
      Run notFound = cli("push", file.toString(), "--server", s.url("/not-echelon/"));
      assertThat(notFound.err()).contains("HTTP 404").contains(s.url("/not-echelon/worlds/"))
          .contains("is " + s.url("/not-echelon/") + " the address of an Echelon server?");
    }
    try (var fake = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread tlsOnly = new Thread(() -> { // answers like a TLS server does to plain HTTP: an alert record
        try (var c = fake.accept()) {
          c.getOutputStream().write(new byte[] {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46, '\r', '\n'});
          c.getOutputStream().flush();
          Thread.sleep(500);
        } catch (Exception ignored) {
          // the test ends either way
        }
      });
      tlsOnly.start();
      Run plain = cli("push", file.toString(), "--server", "http://127.0.0.1:" + fake.getLocalPort());
      assertThat(plain.err()).contains("did not answer in plain HTTP; if it uses TLS, try https://127.0.0.1:");
    }
  }

  @Test
  void demoStreamsACompleteMatchInTheFixtureSchema() {
    JsonNode fixtureFrame = TestServer.fixture("replay-20x20-seed0.json.gz").get("frames").get(5);
    try (TestServer s = TestServer.start(dir.resolve("runs")); SseReader viewer = new SseReader(s.url("/events"))) {
      var out = new ByteArrayOutputStream();
      var err = new ByteArrayOutputStream();
      int code = Cli.run(new String[] {"demo", "--server", s.url(""), "--replays", "1", "--speed", "2000", "--seed", "5"},
          print(out), print(err));
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("match 1 streamed");
      SseReader.Event start = viewer.next(Duration.ofSeconds(10));
      assertThat(out.toString()).contains("match 1 started: watch it at " + s.url("/") + "?replay="
          + start.json().get("replay_id").asText());
      JsonNode world = start.json().get("world");
      assertThat(world.get("size").toString()).isEqualTo("[64,64,16]");
      assertThat(world.get("walls").size()).isGreaterThan(4096);
      Set<Integer> types = new HashSet<>();
      world.get("walls").forEach(w -> types.add(w.get(3).asInt()));
      assertThat(types).contains(1, 2, 3, 5, 6, 7, 9);
      JsonNode frames = viewer.framesUntilEnd(Duration.ofSeconds(10));
      assertThat(frames.size()).isGreaterThan(20);
      JsonNode frame = frames.get(frames.size() / 2);
      assertThat(fieldNames(frame)).containsAll(fieldNames(fixtureFrame));
      JsonNode mech = frame.get("mechs").elements().next();
      assertThat(fieldNames(mech)).isEqualTo(fieldNames(fixtureFrame.get("mechs").get("blue_0")));
      Set<String> eventTypes = new HashSet<>();
      boolean someoneDied = false;
      for (JsonNode f : frames) {
        f.get("events").forEach(e -> eventTypes.add(e.get("type").asText()));
        for (JsonNode m : f.get("mechs")) someoneDied |= !m.get("alive").asBoolean();
      }
      assertThat(eventTypes).contains("laser_hit", "kinetic_fire", "projectile_hit", "missile_launch", "explosion", "paint");
      assertThat(someoneDied).isTrue();
    }
  }

  static Set<String> fieldNames(JsonNode n) {
    Set<String> names = new HashSet<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
    return names;
  }

  static PrintStream print(ByteArrayOutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }
}
