package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echelon.core.Json;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A world file damaged on disk counts as missing: trainers upload it again, viewers are never stuck on it. */
@Timeout(60)
class WorldDamageIT {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path runs;

  @Test
  void aTruncatedWorldIsNotStoredATrainerUploadsItAgainAndNoViewerIsStuck() throws Exception {
    var world = Json.mapper().createObjectNode();
    world.putArray("size").add(6).add(6).add(3);
    String hash;
    long before;
    try (TestServer s = TestServer.start(runs)) {
      hash = s.putWorld(world).json().get("world_hash").asText();
      s.post("/push", RetentionIT.chunk("first", hash, 0, 1));
      before = s.get("/replays/first").json().get("first_event_id").asLong() - 1;
    }
    Path file = runs.resolve("worlds/" + hash + ".json.gz");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    try (TestServer s = TestServer.start(runs)) {
      assertThat(s.head("/worlds/" + hash).status()).as("HEAD says what GET can give").isEqualTo(404);
      assertThat(s.get("/worlds/" + hash).status()).isEqualTo(404);
      try (SseReader resumed = new SseReader(s.url("/events"), String.valueOf(before));
          SseReader live = new SseReader(s.url("/events"))) {
        // the replay on the damaged world: its start cannot be sent, its chunk can, and the stream goes on
        assertThat(resumed.next(WAIT).name()).isEqualTo("replay_chunk");
        assertThat(resumed.next(WAIT).name()).isEqualTo("replay_end");
        assertThat(s.putWorld(world).status()).as("the re-upload is stored").isEqualTo(200);
        assertThat(s.get("/worlds/" + hash).json()).isEqualTo(world);
        s.post("/push", RetentionIT.chunk("second", hash, 0, 1));
        for (SseReader v : new SseReader[] {resumed, live}) {
          SseReader.Event e = v.next(WAIT);
          while (!e.name().equals("replay_start")) e = v.next(WAIT); // a fresh viewer began with "first"
          assertThat(e.json().get("replay_id").asText()).isEqualTo("second");
          assertThat(e.json().get("world")).isEqualTo(world);
        }
        assertThat(resumed.awaitEnd(Duration.ZERO)).as("the stream never ended").isFalse();
      }
      try (var damaged = Files.list(runs.resolve("worlds"))) {
        assertThat(damaged.map(p -> p.getFileName().toString())).contains(hash + ".json.gz.damaged");
      }
    }
  }
}
