package dev.echelon.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import dev.echelon.server.EchelonServer;
import dev.echelon.server.ServerConfig;
import dev.echelon.server.SseReader;
import dev.echelon.server.TestServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** The SDK against the real server, watched by a real SSE client. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class ClientIT {
  static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path runs;

  /** Reads one replay from the stream: start, chunks in order, end; returns the assembled frames. */
  @Test
  void aPushedFixtureReachesAViewerFrameForFrame() {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs); SseReader viewer = new SseReader(s.url("/events"));
        EchelonClient client = EchelonClient.create(s.url("/"))) {
      Replay r = Replay.builder().world(replay.get("world")).frames(toList(replay.get("frames")))
          .meta(java.util.Map.of("episode", 7)).build();
      PushSummary summary = client.push(r);
      assertThat(summary.chunks()).isEqualTo(2);
      assertThat(summary.frames()).isEqualTo(185);
      assertThat(summary.worldUploaded()).isTrue();
      assertThat(summary.viewerUrl()).isEqualTo(s.url("/") + "?replay=" + r.replayId());
      assertThat(viewer.replayFrames(r.replayId(), WAIT)).isEqualTo(replay.get("frames"));
      assertThat(client.stats().replaysSent()).isEqualTo(1);
      assertThat(client.stats().bytesSent()).isPositive();
    }
  }

  @Test
  void rawJsonFramesAndTwoReplaysOnOneWorldSendTheWorldOnce() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs); EchelonClient client = EchelonClient.create(s.url("/"))) {
      List<Object> raw = new ArrayList<>();
      for (JsonNode f : replay.get("frames")) raw.add(f.toPrettyString()); // raw text, pretty-printed
      String worldText = replay.get("world").toString();
      PushSummary first = client.pushAsync(Replay.builder().world(worldText).frames(raw).build()).get(15, TimeUnit.SECONDS);
      PushSummary second = client.pushAsync(Replay.builder().world(replay.get("world")).frames(raw).build())
          .get(15, TimeUnit.SECONDS);
      assertThat(first.worldUploaded()).isTrue();
      assertThat(second.worldUploaded()).isFalse();
      assertThat(first.worldHash()).isEqualTo(second.worldHash()).isEqualTo("8fd9ebc5f6955e6a");
      assertThat(s.get("/metrics").body()).contains("echelon_worlds_stored_total 1").contains("echelon_chunks_pushed_total 4");
      // a fresh client asks the server (HEAD) and still does not upload
      try (EchelonClient other = EchelonClient.create(s.url("/"))) {
        assertThat(other.push(Replay.builder().world(worldText).frames(raw).build()).worldUploaded()).isFalse();
      }
      assertThat(s.get("/metrics").body()).contains("echelon_worlds_stored_total 1");
    }
  }

  @Test
  void aReplayQueuedWhileTheServerIsDownIsDeliveredOnceItIsUp() throws Exception {
    int port = freePort();
    EchelonClient client = EchelonClient.builder().baseUrl("http://127.0.0.1:" + port)
        .retries(30, Duration.ofMillis(50), Duration.ofMillis(200)).build();
    try {
      CompletableFuture<PushSummary> f = client.pushAsync(smallReplay("late"));
      Thread.sleep(400);
      assertThat(f).isNotDone();
      try (EchelonServer server = EchelonServer.start(ServerConfig.forTesting(runs).newBuilder().port(port).build())) {
        PushSummary summary = f.get(15, TimeUnit.SECONDS);
        assertThat(summary.replayId()).isEqualTo("late");
        assertThat(client.stats().retries()).isPositive();
        assertThat(client.stats().replaysDropped()).isZero();
      }
    } finally {
      client.close();
    }
  }

  @Test
  void aServerThatNeverComesUpCostsOneDroppedReplayNotATrainingStall() throws Exception {
    int port = freePort();
    try (EchelonClient client = EchelonClient.builder().baseUrl("http://127.0.0.1:" + port)
        .retries(3, Duration.ofMillis(20), Duration.ofMillis(40)).build()) {
      CompletableFuture<PushSummary> f = client.pushAsync(smallReplay("never"));
      assertThat(f).isNotDone(); // the call returned before any network work happened
      assertThatThrownBy(() -> f.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(EchelonException.class).hasMessageContaining("Is the Echelon server running");
      ClientStats stats = client.stats();
      assertThat(stats.replaysDropped()).isEqualTo(1);
      assertThat(stats.retries()).isEqualTo(2);
      assertThat(stats.lastError()).contains("gave up");
    }
  }

  @Test
  void metaThatIsNotAJsonObjectFailsAtBuildWithAMessageNotLaterOnTheSender() {
    ObjectNode world = Json.mapper().createObjectNode();
    assertThatThrownBy(() -> Replay.builder().world(world).meta("episode 7").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("meta must be a JSON object, a Map, a POJO or a JsonNode; got the string \"episode 7\"");
    assertThatThrownBy(() -> Replay.builder().world(world).run(Json.mapper().createArrayNode()).build())
        .hasMessage("run must be a JSON object, got array \"[]\"");
    assertThat(Replay.builder().world(world).meta("{\"episode\": 7}").build()).isNotNull();
  }

  @Test
  void aReplayThatCannotBeSerialisedIsCountedAsFailedAndTheNextOneStillGoes() throws Exception {
    try (TestServer s = TestServer.start(runs); EchelonClient client = EchelonClient.create(s.url("/"))) {
      Replay broken = smallReplay("broken").newBuilder().addFrame(new Object()).build(); // Jackson: no properties
      CompletableFuture<PushSummary> f = client.pushAsync(broken);
      assertThatThrownBy(() -> f.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      assertThat(client.pushAsync(smallReplay("fine")).get(15, TimeUnit.SECONDS).frames()).isPositive();
      ClientStats stats = client.stats();
      assertThat(stats.replaysFailed()).isEqualTo(1);
      assertThat(stats.replaysDropped()).isZero();
      assertThat(stats.replaysSent()).isEqualTo(1);
      assertThat(stats.lastError()).contains("replay broken could not be serialised");
    }
  }

  @Test
  void aFullQueueDropsTheOldestAndNeverBlocksTheCaller() throws Exception {
    int port = freePort();
    try (EchelonClient client = EchelonClient.builder().baseUrl("http://127.0.0.1:" + port)
        .retries(1000, Duration.ofMillis(100), Duration.ofMillis(100)).queueCapacity(2)
        .closeTimeout(Duration.ofMillis(100)).build()) {
      List<CompletableFuture<PushSummary>> fs = new ArrayList<>();
      fs.add(client.pushAsync(smallReplay("q0")));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (client.stats().retries() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
      for (int i = 1; i < 6; i++) fs.add(client.pushAsync(smallReplay("q" + i)));
      // the sender is stuck retrying the first; 2 wait; the other 3 were dropped as newer ones arrived
      while (client.stats().replaysDropped() < 3 && System.nanoTime() < deadline) Thread.sleep(5);
      assertThat(client.stats().replaysDropped()).isEqualTo(3);
      assertThat(fs.get(1)).isCompletedExceptionally();
      assertThat(fs.get(5)).isNotDone();
      assertThat(client.stats().lastError()).contains("queue full");
    }
  }

  @Test
  void aLiveStreamDeliversChunksWhileOpenAndEndsOnClose() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs); SseReader viewer = new SseReader(s.url("/events"));
        EchelonClient client = EchelonClient.builder().baseUrl(s.url("/")).chunkSize(10, 1 << 20).build()) {
      LiveStream stream = client.openStream(replay.get("world"), java.util.Map.of("episode", 3));
      for (int i = 0; i < 25; i++) stream.addFrame(replay.get("frames").get(i));
      SseReader.Event start = viewer.next(WAIT);
      assertThat(start.name()).isEqualTo("replay_start");
      assertThat(start.json().get("chunk_count").isNull()).isTrue();
      assertThat(start.json().get("meta").get("episode").asInt()).isEqualTo(3);
      assertThat(viewer.next(WAIT).json().get("frames").size()).isEqualTo(10);
      assertThat(viewer.next(WAIT).json().get("frames").size()).isEqualTo(10);
      assertThat(viewer.events).isEmpty(); // nothing else until the stream is closed
      stream.close();
      SseReader.Event last = viewer.next(WAIT);
      assertThat(last.json().get("chunk_index").asInt()).isEqualTo(2);
      assertThat(last.json().get("frames").size()).isEqualTo(5);
      assertThat(viewer.next(WAIT).name()).isEqualTo("replay_end");
      PushSummary summary = stream.finished().get(15, TimeUnit.SECONDS);
      assertThat(summary.frames()).isEqualTo(25);
      assertThat(summary.chunks()).isEqualTo(3);
      assertThat(summary.viewerUrl()).isEqualTo(stream.viewerUrl()).endsWith("?replay=" + stream.replayId());
    }
  }

  @Test
  void rlSignalsAttachedToLiveFramesAddUpToEachTeamsReturnInTheOutcome() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs);
        EchelonClient client = EchelonClient.builder().baseUrl(s.url("/")).chunkSize(10, 1 << 20).build()) {
      LiveStream stream = client.openStream(replay.get("world"), java.util.Map.of("episode", 4),
          java.util.Map.of("name", "rl-run", "update", 3));
      for (int i = 0; i < 25; i++) {
        stream.addFrame(replay.get("frames").get(i), RlSignals.builder().put("blue_0", "reward", 0.5)
            .put("blue_0", "value", 2.0).put("red_3", "reward", -0.25).build());
      }
      stream.close();
      stream.finished().get(15, TimeUnit.SECONDS);
      JsonNode one = s.get("/replays/" + stream.replayId()).json();
      JsonNode teams = one.get("outcome").get("teams");
      assertThat(teams.get("blue").get("return").asDouble()).isEqualTo(12.5);
      assertThat(teams.get("red").get("return").asDouble()).isEqualTo(-6.25);
      assertThat(one.get("outcome").get("mechs").get("blue_1").get("return").isNull()).isTrue();
      JsonNode point = s.get("/runs/rl-run/progress").json().get("points").get(0).get("outcome");
      assertThat(point.get("return").get("blue").asDouble()).as("a plot's point carries the returns too").isEqualTo(12.5);
      JsonNode frame = s.get("/replays/" + stream.replayId() + "/chunks/0").json().get("frames").get(0);
      assertThat(frame.get("mechs").get("blue_0").get("rl").get("value").asDouble()).isEqualTo(2.0);
      assertThat(frame.get("mechs").get("blue_0").get("hp").asDouble()).as("the rest of the frame is kept").isEqualTo(200.0);
    }
    assertThatThrownBy(() -> RlSignals.builder().put("blue_0", "reward", Double.NaN))
        .hasMessageContaining("signal reward of mech blue_0 must be finite, got NaN");
  }

  @Test
  void aClientWideRunTagsEveryReplayForRunSubscribers() {
    try (TestServer s = TestServer.start(runs);
        SseReader alpha = new SseReader(s.url("/events?run=alpha"));
        EchelonClient client = EchelonClient.builder().baseUrl(s.url("/"))
            .run(java.util.Map.of("name", "alpha", "update", 9)).build()) {
      client.push(smallReplay("tagged"));
      SseReader.Event start = alpha.next(WAIT);
      assertThat(start.json().get("run").get("update").asInt()).isEqualTo(9);
      assertThat(s.get("/runs").json().get("runs").get(0).get("name").asText()).isEqualTo("alpha");
    }
  }

  static Replay smallReplay(String id) {
    ObjectNode world = Json.mapper().createObjectNode();
    world.putArray("size").add(4).add(4).add(2);
    return Replay.builder().replayId(id).world(world).addFrame("{\"t\":0}").addFrame(java.util.Map.of("t", 0.25)).build();
  }

  static List<Object> toList(JsonNode array) {
    List<Object> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
