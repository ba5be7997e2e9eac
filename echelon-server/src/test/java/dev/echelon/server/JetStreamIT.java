package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.echelon.core.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** Several Echelon servers, each in its own JVM, sharing one replay log on real nats-server processes. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class JetStreamIT {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
  @TempDir Path dir;

  record Answer(int status, String body) {}

  static Answer call(Request r) {
    try (Response res = HTTP.newCall(r).execute()) {
      return new Answer(res.code(), res.body().string());
    } catch (java.io.IOException e) {
      return new Answer(-1, e.toString());
    }
  }

  static Answer post(String url, String json) {
    return call(new Request.Builder().url(url).post(RequestBody.create(json, MediaType.get("application/json"))).build());
  }

  static Answer get(String url) {
    return call(new Request.Builder().url(url).build());
  }

  static final JsonNode REPLAY = TestServer.fixture("replay-20x20-seed0.json.gz");

  static String putWorld(String base) {
    Answer a = call(new Request.Builder().url(base + "/worlds/" + dev.echelon.core.WorldHash.of(REPLAY.get("world")))
        .put(RequestBody.create(REPLAY.get("world").toString(), MediaType.get("application/json"))).build());
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return TestServer.parse(a.body()).get("world_hash").asText();
  }

  /** Chunk {@code i} of 10 (about 19 frames each) of the fixture replay. */
  static String chunk(String replayId, String hash, int i) {
    ArrayNode frames = (ArrayNode) REPLAY.get("frames");
    var c = Json.mapper().createObjectNode().put("replay_id", replayId).put("world_ref", hash).put("chunk_index", i)
        .put("chunk_count", 10);
    ArrayNode part = c.putArray("frames");
    for (int f = i * 19; f < Math.min(frames.size(), (i + 1) * 19); f++) part.add(frames.get(f));
    if (i == 0) c.putObject("run").put("name", "cluster-run");
    return c.toString();
  }

  static Map<String, String> env(String natsUrls, int replicas) {
    return Map.of("ECHELON_LOG", natsUrls, "ECHELON_NATS_REPLICAS", String.valueOf(replicas));
  }

  /** The event names and chunk indices a viewer got, as "start", "0", "1", ..., "end". */
  static List<String> seen(SseReader v, int events) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      SseReader.Event e = v.next(WAIT);
      out.add(switch (e.name()) {
        case "replay_start" -> "start";
        case "replay_end" -> "end";
        case "replay_chunk" -> String.valueOf(e.json().get("chunk_index").asInt());
        default -> e.name();
      });
    }
    return out;
  }

  static final List<String> WHOLE = List.of("start", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "end");

  @Test
  void whatOneServerAcknowledgedIsListedAndReadableOnTheOtherRightAway() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1));
        ServerProcess b = new ServerProcess(dir.resolve("b"), env(nats.url(), 1))) {
      String hash = putWorld(a.url(""));
      for (int r = 0; r < 60; r++) { // a trainer pushes through one server, a researcher reads through the other
        String id = "rw" + r;
        int first = r % 2; // every other replay starts with chunk 1, filed under no run
        Answer pushed = post(a.url("/push"), chunk(id, hash, first));
        assertThat(pushed.status()).isEqualTo(200);
        if (r < 10) { // a viewer resuming on b just before that chunk gets it, not a resync
          long eventId = TestServer.parse(pushed.body()).get("event_id").asLong();
          try (SseReader resumed = new SseReader(b.url("/events?replay=" + id), String.valueOf(eventId - 1))) {
            assertThat(resumed.next(WAIT).name()).as("resuming on b after %d", eventId - 1).isEqualTo("replay_chunk");
          }
        }
        assertThat(TestServer.parse(get(b.url("/replays?limit=1000")).body()).get("replays").toString())
            .as("listed on b right after a acknowledged %s", id).contains("\"" + id + "\"");
        assertThat(get(b.url("/replays/" + id)).status()).as("found on b right after a acknowledged %s", id)
            .isEqualTo(200);
        assertThat(post(b.url("/push"), chunk(id, hash, 1 - first)).status()).isEqualTo(200);
        assertThat(get(a.url("/replays/" + id + "/chunks/" + (1 - first))).status())
            .as("chunk %d of %s readable on a", 1 - first, id).isEqualTo(200);
      }
    }
  }

  @Test
  void aServerReadingWhileAnotherPushesNeverTakesTheStreamForLost() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1));
        ServerProcess b = new ServerProcess(dir.resolve("b"), env(nats.url(), 1));
        SseReader onB = new SseReader(b.url("/events"))) {
      String hash = putWorld(a.url(""));
      var pushed = new java.util.concurrent.atomic.AtomicInteger();
      Thread trainer = Thread.ofPlatform().start(() -> {
        for (int r = 0; r < 20; r++) {
          for (int i = 0; i < 10; i++) {
            if (post(a.url("/push"), chunk("busy" + r, hash, i)).status() == 200) pushed.incrementAndGet();
          }
        }
      });
      // every read checks the stream's identity; messages that arrive while it asks are no loss
      while (trainer.isAlive()) {
        assertThat(get(b.url("/replays?limit=1000")).status()).isEqualTo(200);
        get(b.url("/replays/busy0/chunks/0"));
      }
      trainer.join();
      assertThat(pushed.get()).isEqualTo(200);
      assertThat(get(a.url("/metrics")).body()).contains("echelon_nats_stream_resets_total 0");
      assertThat(get(b.url("/metrics")).body()).contains("echelon_nats_stream_resets_total 0");
      List<String> names = new ArrayList<>();
      for (int i = 0; i < 20 * 12; i++) names.add(onB.next(WAIT).name());
      assertThat(names).doesNotContain("resync");
    }
  }

  @Test
  void twoServersOnOneStreamServeEveryChunkInOrderOnceAndResumeAcrossServers() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1));
        ServerProcess b = new ServerProcess(dir.resolve("b"), env(nats.url(), 1));
        SseReader onA = new SseReader(a.url("/events"));
        SseReader onB = new SseReader(b.url("/events"))) {
      String hash = putWorld(a.url(""));
      assertThat(get(b.url("/worlds/" + hash)).status()).as("the world is shared").isEqualTo(200);
      for (int i = 0; i < 10; i++) assertThat(post(a.url("/push"), chunk("shared", hash, i)).status()).isEqualTo(200);
      assertThat(seen(onA, 12)).isEqualTo(WHOLE);
      assertThat(seen(onB, 12)).isEqualTo(WHOLE);
      assertThat(onB.events).isEmpty(); // nothing twice

      JsonNode listA = TestServer.parse(get(a.url("/replays")).body());
      JsonNode listB = TestServer.parse(get(b.url("/replays")).body());
      assertThat(listB).isEqualTo(listA);
      assertThat(listA.get("replays").get(0).get("complete").asBoolean()).isTrue();
      // B never read a chunk body: the outcome comes from the tallies in the messages' headers
      JsonNode outcome = TestServer.parse(get(b.url("/replays/shared")).body()).get("outcome");
      assertThat(outcome.get("winner").asText()).isEqualTo("blue");
      assertThat(outcome.get("rule").asText()).isEqualTo("zone");
      assertThat(outcome.get("kills").asInt()).isEqualTo(9);
      assertThat(outcome.get("mechs").get("blue_1").get("zone_s").asDouble()).isCloseTo(12.5, within(1e-6));
      assertThat(TestServer.parse(get(b.url("/runs")).body()).toString()).contains("cluster-run");
      assertThat(get(b.url("/replays/shared/chunks/3")).body()).contains("\"chunk_index\":3");

      // a viewer of A that saw up to chunk 4 reconnects to B with its last id and gets exactly the rest
      try (SseReader first = new SseReader(a.url("/events?replay=shared"), "0")) {
        List<SseReader.Event> upTo4 = new ArrayList<>();
        for (int i = 0; i < 6; i++) upTo4.add(first.next(WAIT));
        String last = String.valueOf(upTo4.get(5).id());
        try (SseReader resumed = new SseReader(b.url("/events?replay=shared"), last)) {
          assertThat(seen(resumed, 6)).containsExactly("5", "6", "7", "8", "9", "end");
        }
      }
      assertThat(get(a.url("/metrics")).body()).contains("echelon_log_backend_nats 1").contains("echelon_nats_publishes_total");
    }
  }

  @Test
  void aServerKilledMidPushLosesNothingTheTrainerRetriesTheRestThroughAnother() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1));
        ServerProcess b = new ServerProcess(dir.resolve("b"), env(nats.url(), 1));
        SseReader onB = new SseReader(b.url("/events"))) {
      String hash = putWorld(a.url(""));
      for (int i = 0; i < 5; i++) assertThat(post(a.url("/push"), chunk("killed", hash, i)).status()).isEqualTo(200);
      a.kill9();
      // the trainer did not see chunk 4's answer: it retries from 4 through B
      Answer again = post(b.url("/push"), chunk("killed", hash, 4));
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.body()).contains("duplicate");
      for (int i = 5; i < 10; i++) assertThat(post(b.url("/push"), chunk("killed", hash, i)).status()).isEqualTo(200);
      assertThat(seen(onB, 12)).isEqualTo(WHOLE);
      JsonNode summary = TestServer.parse(get(b.url("/replays/killed")).body());
      assertThat(summary.get("received").toString()).isEqualTo("[0,1,2,3,4,5,6,7,8,9]");
      assertThat(summary.get("frames").asInt()).isEqualTo(185);
      for (int i = 0; i < 10; i++) {
        JsonNode stored = TestServer.parse(get(b.url("/replays/killed/chunks/" + i)).body());
        assertThat(stored.get("frames")).isEqualTo(TestServer.parse(chunk("killed", hash, i)).get("frames"));
      }
    }
  }

  @Test
  void withNatsDownPushesAre503AndNothingIsAcknowledgedUntilItReturns() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1))) {
      String hash = putWorld(a.url(""));
      assertThat(post(a.url("/push"), chunk("outage", hash, 0)).status()).isEqualTo(200);
      nats.kill();
      Answer refused = post(a.url("/push"), chunk("outage", hash, 1));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(TestServer.parse(refused.body()).get("detail").asText()).contains("NATS").contains("retry");
      assertThat(get(a.url("/health")).status()).isEqualTo(503);
      Answer listing = get(a.url("/replays"));
      assertThat(listing.status()).as("a listing it cannot confirm (the stream may be lost meanwhile)").isEqualTo(503);
      assertThat(TestServer.parse(listing.body()).get("detail").asText()).contains("cannot reach NATS");
      nats.start(); // same port, same store
      long end = System.nanoTime() + WAIT.toNanos();
      Answer back = null;
      while (System.nanoTime() < end) {
        back = post(a.url("/push"), chunk("outage", hash, 1));
        if (back.status() == 200) break;
        Thread.sleep(250);
      }
      assertThat(back.status()).as(back.body()).isEqualTo(200);
      assertThat(get(a.url("/health")).status()).isEqualTo(200);
      assertThat(TestServer.parse(get(a.url("/replays/outage")).body()).get("received").toString()).isEqualTo("[0,1]");
    }
  }

  @Test
  void aChangedRetentionBudgetIsAppliedToTheExistingStreamAtStartUp() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start()) {
      try (ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1))) {
        putWorld(a.url(""));
      }
      Map<String, String> smaller = new java.util.HashMap<>(env(nats.url(), 1));
      smaller.put("ECHELON_RETAIN_MAX_BYTES", String.valueOf(64L << 20));
      try (ServerProcess b = new ServerProcess(dir.resolve("b"), smaller)) {
        assertThat(get(b.url("/health")).status()).isEqualTo(200);
      }
      assertThat(java.nio.file.Files.readString(dir.resolve("b-server.log")))
          .contains("updated the JetStream stream ECHELON: max_bytes " + (2L << 30) + " -> " + (64L << 20));
    }
  }

  @Test
  void aServerLogsInWithItsTokenAndWithoutOneSaysWhyItCannotStart() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").token("s3cret").start()) {
      Map<String, String> env = new java.util.HashMap<>(env(nats.url(), 1));
      env.put("ECHELON_NATS_TOKEN", "s3cret");
      try (ServerProcess a = new ServerProcess(dir.resolve("a"), env)) {
        assertThat(get(a.url("/health")).body()).contains("\"log\":\"nats\"");
      }
      Path log = dir.resolve("b-server.log");
      try (ServerProcess b = new ServerProcess(dir.resolve("b"), env(nats.url(), 1))) {
        throw new AssertionError("started without the NATS token");
      } catch (IllegalStateException expected) {
        assertThat(java.nio.file.Files.readString(log)).contains("NATS at " + nats.url() + " refused our login")
            .contains("set ECHELON_NATS_TOKEN").doesNotContain("s3cret");
      }
    }
  }

  /** A fresh cluster needs a moment to elect a JetStream leader; the server retries its start until then. */
  static ServerProcess startWhenClusterIsReady(Path runs, Map<String, String> env) throws InterruptedException {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      try {
        return new ServerProcess(runs, env);
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(1000);
      }
    }
    throw last;
  }
}
