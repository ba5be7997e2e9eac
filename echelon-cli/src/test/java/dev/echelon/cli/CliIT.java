package dev.echelon.client;

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

/** The command line against the real server. */
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
      assertThat(out.toString()).contains(id);
      assertThat(viewer.next(Duration.ofSeconds(10)).json().get("frames").get(0)).isEqualTo(replay.get("frames").get(0));
    }
    assertThat(Cli.run(new String[] {"push", dir.resolve("missing.json").toString()}, print(new ByteArrayOutputStream()),
        print(new ByteArrayOutputStream()))).isEqualTo(1);
    assertThat(Cli.run(new String[] {"bogus"}, print(new ByteArrayOutputStream()), print(new ByteArrayOutputStream())))
        .isEqualTo(2);
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
      JsonNode world = start.json().get("world");
      assertThat(world.get("size").toString()).isEqualTo("[64,64,16]");
      assertThat(world.get("walls").size()).isGreaterThan(4096);
      Set<Integer> types = new HashSet<>();
      world.get("walls").forEach(w -> types.add(w.get(3).asInt()));
      assertThat(types).contains(1, 2, 3, 5, 6, 7, 9);
      JsonNode frames = ClientIT.chunksUntilEnd(viewer);
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
