package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.echelon.server.log.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** The replay archive, late join and resume, over real HTTP and SSE. */
@Timeout(300) // each test: a hang fails instead of stalling the build
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
    TestClock clock = new TestClock();
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder().retention(1L << 30, 2).build(), clock)) {
      String hash = s.putSmallWorld();
      for (String id : new String[] {"r1", "r2"}) push(s, id, hash, 0, 1, "ok");
      clock.advance(Duration.ofMinutes(1)); // r1 and r2 went quiet: retention may take them now
      push(s, "r3", hash, 0, 1, "ok");
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

  @Test
  void anArchiveOfTheEarlierFormatIsImportedOnceWithItsTimes() throws Exception {
    String hash;
    try (TestServer s = TestServer.start(runs)) {
      hash = s.putSmallWorld();
    }
    Path old = Files.createDirectories(runs.resolve("replays/legacy"));
    Files.writeString(old.resolve("manifest.json"), "{\"replay_id\":\"legacy\",\"world_ref\":\"" + hash
        + "\",\"chunk_count\":2,\"received\":[0,1],\"meta\":{\"episode\":9},\"run\":{\"name\":\"old-run\"},"
        + "\"started_at\":1700000000.5,\"complete\":true}");
    for (int i = 0; i < 2; i++) {
      Files.write(old.resolve(String.format("chunk-%06d.json.gz", i)), dev.echelon.core.Gzip.compress(
          ("{\"replay_id\":\"legacy\",\"chunk_index\":" + i + ",\"frames\":[{\"t\":" + i + "},{\"t\":9}]}").getBytes()));
    }
    try (TestServer s = TestServer.start(runs)) {
      JsonNode r = s.get("/replays/legacy").json();
      assertThat(r.get("complete").asBoolean()).isTrue();
      assertThat(r.get("frames").asInt()).isEqualTo(4);
      assertThat(r.get("started_at").asDouble()).isEqualTo(1700000000.5);
      assertThat(r.get("meta").get("episode").asInt()).isEqualTo(9);
      assertThat(s.get("/runs").json().get("runs").get(0).get("name").asText()).isEqualTo("old-run");
      assertThat(s.get("/replays/legacy/chunks/1").json().get("frames").get(0).get("t").asInt()).isEqualTo(1);
      assertThat(old.resolve("manifest.json")).doesNotExist();
      assertThat(old.resolve("chunk-000000.json.gz")).doesNotExist();
    }
  }

  @Test
  void nothingOutsideRunsDirIsReadWrittenOrDeleted() throws Exception {
    Path outside = Files.createDirectories(runs.resolveSibling(runs.getFileName() + "-outside"));
    Path victim = Files.writeString(outside.resolve("victim"), "keep me");
    Files.createDirectories(outside.resolve("evil"));
    Files.writeString(outside.resolve("evil/replay.log"), "not a log");
    Files.createDirectories(runs.resolve("replays"));
    Files.createSymbolicLink(runs.resolve("replays/evil"), outside.resolve("evil"));
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putSmallWorld();
      push(s, "a", hash, 0, 1, "ok");
    }
    // an index that names a replay outside, and one that is a link to a file outside
    Path idx = runs.resolve("replays/a/replay.idx");
    byte[] index = Files.readAllBytes(idx);
    byte[] name = "../../victim".getBytes();
    index[8] = (byte) name.length;
    System.arraycopy(name, 0, index, 9, name.length);
    Files.write(idx, index);
    TestClock clock = new TestClock();
    clock.advance(Duration.ofMinutes(1)); // "a" was pushed a while ago
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder().retention(1L << 30, 1).build(), clock)) {
      assertThat(s.get("/replays/a").status()).isEqualTo(200);
      String hash = s.putSmallWorld();
      push(s, "b", hash, 0, 1, "ok"); // retention now removes "a"
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (s.get("/replays/a").status() != 404 && System.nanoTime() < deadline) Thread.sleep(10);
      assertThat(s.get("/replays/a").status()).isEqualTo(404);
      assertThat(s.get("/replays/evil").status()).isEqualTo(404);
    }
    assertThat(Files.readString(victim)).isEqualTo("keep me");
    assertThat(Files.readString(outside.resolve("evil/replay.log"))).isEqualTo("not a log");
    assertThat(runs.resolve("replays/evil")).isSymbolicLink();
  }

  @Test
  void recoveryNeverAllocatesFromNumbersItReads() throws Exception {
    // a replay of the earlier format listing absurd chunk indices, 40 times over
    for (int r = 0; r < 40; r++) {
      Path old = Files.createDirectories(runs.resolve("replays/bomb" + r));
      Files.writeString(old.resolve("manifest.json"), "{\"replay_id\":\"bomb" + r + "\",\"world_ref\":\"0123456789abcdef\","
          + "\"chunk_count\":2147483647,\"received\":[2147483646],\"chunk_bytes\":{\"2147483646\":99}}");
      Files.write(old.resolve("chunk-2147483646.json.gz"), new byte[] {1, 2, 3});
    }
    // and records of the current format that claim such an index
    try (dev.echelon.server.log.FileReplayLog log = dev.echelon.server.log.FileReplayLog.open(
        new dev.echelon.server.log.FileReplayLog.Options(runs, false, 1 << 20, 1L << 30, 500, 4, 1 << 20,
            Duration.ofDays(1), Duration.ofSeconds(30)))) {
      for (int r = 0; r < 40; r++) {
        byte[] body = "{\"frames\":[]}".getBytes();
        log.append(new dev.echelon.server.log.PushedChunk("huge" + r, "0123456789abcdef", 2147483646, null, false,
            new dev.echelon.server.log.Payload.Slice(body, 10, 2), 0, null, null, null),
            dev.echelon.server.live.EventFormat::chunk);
      }
    }
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heap0 = rt.totalMemory() - rt.freeMemory();
    try (TestServer s = TestServer.start(runs)) {
      assertThat(s.get("/health").status()).isEqualTo(200);
      assertThat(s.get("/replays/huge7").json().get("chunks_received").asInt()).isEqualTo(1);
      assertThat(s.get("/replays/bomb3").status()).isEqualTo(404); // nothing readable to import: left as it is
      System.gc();
      assertThat((rt.totalMemory() - rt.freeMemory()) - heap0).isLessThan(64L << 20);
    }
  }
}
