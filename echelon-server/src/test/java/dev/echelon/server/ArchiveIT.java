package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay archive, late join and resume, over real HTTP and SSE. */
class ArchiveIT {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path runs;


  static String chunk(String id, String hash, int index, Integer count) {
    return "{\"replay_id\":\"" + id + "\",\"world_ref\":\"" + hash + "\",\"chunk_index\":" + index
        + ",\"chunk_count\":" + count + ",\"frames\":[{\"t\":" + index + ".0,\"i\":" + index + "},{\"t\":" + index
        + ".5}]" + (index == 0 ? ",\"meta\":{\"episode\":" + id.length() + "},\"run\":{\"name\":\"r1\"}" : "") + "}";
  }

  static void push(TestServer s, String id, String hash, int index, Integer count, String status) {
    TestServer.Answer a = s.post("/push", chunk(id, hash, index, count));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.json().get("status").asText()).isEqualTo(status);
  }

  @Test
  void aRestartKeepsCompleteAndPartialReplaysAndTheirRules() throws Exception {
    String hash;
    try (TestServer s = TestServer.start(runs)) {
      hash = s.putSmallWorld();
      push(s, "done", hash, 0, 2, "ok");
      push(s, "done", hash, 1, 2, "ok");
      Thread.sleep(20);
      push(s, "partial", hash, 0, 3, "ok");
    }
    try (TestServer s = TestServer.start(runs)) {
      JsonNode list = s.get("/replays").json();
      assertThat(list.get("replays").size()).isEqualTo(2);
      JsonNode newest = list.get("replays").get(0);
      assertThat(newest.get("replay_id").asText()).isEqualTo("partial");
      assertThat(newest.get("complete").asBoolean()).isFalse();
      assertThat(newest.get("chunks_received").asInt()).isEqualTo(1);
      assertThat(newest.get("chunk_count").asInt()).isEqualTo(3);
      assertThat(newest.get("run").get("name").asText()).isEqualTo("r1");
      JsonNode done = s.get("/replays/done").json();
      assertThat(done.get("complete").asBoolean()).isTrue();
      assertThat(done.get("frames").asInt()).isEqualTo(4);
      assertThat(done.get("world_ref").asText()).isEqualTo(hash);
      assertThat(done.get("meta").get("episode").asInt()).isEqualTo(4);
      assertThat(done.get("started_at").asDouble()).isLessThanOrEqualTo(done.get("updated_at").asDouble());
      JsonNode c1 = s.get("/replays/done/chunks/1").json();
      assertThat(c1.get("chunk_index").asInt()).isEqualTo(1);
      assertThat(c1.get("frames").get(0).get("i").asInt()).isEqualTo(1);

      try (SseReader viewer = new SseReader(s.url("/events"))) {
        // the partial replay is the latest: a new viewer catches up on it
        assertThat(viewer.next(WAIT).json().get("replay_id").asText()).isEqualTo("partial");
        assertThat(viewer.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(0);
        push(s, "partial", hash, 0, 3, "duplicate"); // remembered across the restart
        push(s, "partial", hash, 1, 3, "ok");
        assertThat(s.post("/push", chunk("partial", hash, 2, 4)).status()).isEqualTo(409);
        push(s, "partial", hash, 2, 3, "ok");
        assertThat(viewer.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(1);
        assertThat(viewer.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(2);
        assertThat(viewer.next(WAIT).name()).isEqualTo("replay_end");
      }
      assertThat(s.get("/replays/partial").json().get("complete").asBoolean()).isTrue();
    }
  }

  @Test
  void retentionRemovesTheOldestReplays() throws Exception {
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder().retention(1L << 30, 2).build())) {
      String hash = s.putSmallWorld();
      for (String id : new String[] {"r1", "r2", "r3"}) {
        push(s, id, hash, 0, 1, "ok");
        Thread.sleep(20);
      }
      long deadline = System.nanoTime() + WAIT.toNanos(); // retention runs on its own thread
      while (s.get("/replays").json().get("total").asInt() > 2 && System.nanoTime() < deadline) Thread.sleep(10);
      JsonNode list = s.get("/replays").json().get("replays");
      assertThat(list).hasSize(2);
      assertThat(list.get(0).get("replay_id").asText()).isEqualTo("r3");
      assertThat(list.get(1).get("replay_id").asText()).isEqualTo("r2");
      assertThat(Files.exists(runs.resolve("replays/r1"))).isFalse();
      assertThat(s.get("/replays/r1").status()).isEqualTo(404);
      assertThat(s.get("/replays?limit=1").json().get("next_before").asDouble())
          .isEqualTo(list.get(0).get("started_at").asDouble());
      assertThat(s.get("/replays?limit=1&before=" + list.get(0).get("started_at").asText()).json()
          .get("replays").get(0).get("replay_id").asText()).isEqualTo("r2");
    }
  }

  @Test
  void idsAreValidatedAgainstTraversal() {
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putSmallWorld();
      push(s, "safe", hash, 0, 1, "ok");
      for (String path : new String[] {"/replays/..%2F..%2Fworlds", "/replays/a%2Fb/chunks/0",
          "/replays/..%252F/chunks/0", "/replays/a.b", "/replays/safe/chunks/x", "/replays?limit=0", "/replays?before=abc"}) {
        TestServer.Answer a = s.get(path);
        assertThat(a.status()).as(path).isIn(400, 404);
        assertThat(a.json().get("detail").asText()).as(path).isNotBlank();
      }
      // dot segments are normalised away before routing: what comes back is never archive data
      for (String path : new String[] {"/replays/%2e%2e", "/replays/%2e%2e/%2e%2e/worlds", "/replays/safe/%2e%2e/%2e%2e"}) {
        assertThat(s.get(path).body()).as(path).doesNotContain("chunk_bytes").doesNotContain("\"frames\"");
      }
      assertThat(s.get("/replays/unknown").status()).isEqualTo(404);
      assertThat(s.get("/replays/safe/chunks/5").status()).isEqualTo(404);
      assertThat(s.get("/replays/safe/chunks/-1").status()).isEqualTo(400);
      assertThat(s.get("/replays/safe/chunks/0.9").status()).isEqualTo(400);
      assertThat(s.get("/replays/safe/chunks/99999999999").status()).isEqualTo(400);
      assertThat(s.get("/replays/safe/chunks/0").status()).isEqualTo(200);
    }
  }

  @Test
  void aViewerJoiningMidReplayAssemblesExactlyThePushedFrames() {
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putSmallWorld();
      push(s, "mid", hash, 0, 4, "ok");
      push(s, "mid", hash, 1, 4, "ok");
      try (SseReader late = new SseReader(s.url("/events"))) {
        SseReader.Event start = late.next(WAIT);
        assertThat(start.name()).isEqualTo("replay_start");
        assertThat(start.json().get("world").get("size").size()).isEqualTo(3);
        assertThat(start.json().get("meta").get("episode").asInt()).isEqualTo(3);
        push(s, "mid", hash, 2, 4, "ok");
        push(s, "mid", hash, 3, 4, "ok");
        for (int i = 0; i < 4; i++) {
          SseReader.Event e = late.next(WAIT);
          assertThat(e.name()).isEqualTo("replay_chunk");
          assertThat(e.json().get("chunk_index").asInt()).isEqualTo(i);
          assertThat(e.json().get("frames").get(0).get("i").asInt()).isEqualTo(i);
        }
        assertThat(late.next(WAIT).name()).isEqualTo("replay_end");
      }
    }
  }

  @Test
  void aReconnectWithLastEventIdLosesNothingAndAStaleOneResyncs() throws Exception {
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putSmallWorld();
      long lastId;
      try (SseReader first = new SseReader(s.url("/events"))) {
        push(s, "resume", hash, 0, 3, "ok");
        assertThat(first.next(WAIT).name()).isEqualTo("replay_start");
        SseReader.Event c0 = first.next(WAIT);
        assertThat(c0.json().get("chunk_index").asInt()).isZero();
        lastId = c0.id();
      }
      push(s, "resume", hash, 1, 3, "ok");
      push(s, "resume", hash, 2, 3, "ok");
      try (SseReader again = new SseReader(s.url("/events"), String.valueOf(lastId))) {
        SseReader.Event c1 = again.next(WAIT);
        assertThat(c1.json().get("chunk_index").asInt()).isEqualTo(1);
        assertThat(c1.id()).isGreaterThan(lastId);
        assertThat(again.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(2);
        assertThat(again.next(WAIT).name()).isEqualTo("replay_end");
        Thread.sleep(200);
        assertThat(again.events).isEmpty();
      }
      try (SseReader stale = new SseReader(s.url("/events?last_event_id=" + (lastId + 1_000_000)))) {
        SseReader.Event e = stale.next(WAIT);
        assertThat(e.name()).isEqualTo("resync");
        assertThat(e.json().get("latest").asText()).isEqualTo("resume");
      }
    }
  }

  @Test
  void aDamagedRecordIsReportedSkippedAndRepairedByARePush() throws Exception {
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putSmallWorld();
      for (int i = 0; i < 3; i++) push(s, "damaged", hash, i, 3, "ok");
      push(s, "corrupt", hash, 0, 1, "ok");
    }
    Path truncated = runs.resolve("replays/damaged/replay.log");
    try (RandomAccessFile f = new RandomAccessFile(truncated.toFile(), "rw")) {
      f.setLength(f.length() - 20); // the last record is torn, as by a crash mid-write
    }
    Path corrupt = runs.resolve("replays/corrupt/replay.log");
    byte[] bytes = Files.readAllBytes(corrupt);
    for (int i = bytes.length - 30; i < bytes.length - 10; i++) bytes[i] ^= 0x5a; // same size, garbage inside
    Files.write(corrupt, bytes);
    try (TestServer s = TestServer.start(runs)) {
      JsonNode r = s.get("/replays/damaged").json();
      assertThat(r.get("chunks_received").asInt()).isEqualTo(2);
      assertThat(r.get("complete").asBoolean()).isFalse();
      assertThat(s.get("/replays/damaged/chunks/2").status()).isEqualTo(404);
      assertThat(s.get("/replays/damaged/chunks/1").status()).isEqualTo(200);
      TestServer.Answer bad = s.get("/replays/corrupt/chunks/0");
      assertThat(bad.status()).isEqualTo(404);
      assertThat(bad.json().get("detail").asText()).contains("damaged");
      assertThat(s.get("/health").status()).isEqualTo(200);
      // both are repaired by pushing the lost chunks again: accepted as new, never as duplicates
      push(s, "damaged", hash(s), 2, 3, "ok");
      push(s, "corrupt", hash(s), 0, 1, "ok");
      assertThat(s.get("/replays/damaged").json().get("complete").asBoolean()).isTrue();
      assertThat(s.get("/replays/corrupt/chunks/0").json().get("chunk_index").asInt()).isZero();
    }
  }

  private static String hash(TestServer s) {
    return s.putSmallWorld();
  }
}
