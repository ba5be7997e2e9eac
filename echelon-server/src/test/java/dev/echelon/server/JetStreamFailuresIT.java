package dev.echelon.server;

import static dev.echelon.server.JetStreamIT.WAIT;
import static dev.echelon.server.JetStreamIT.chunk;
import static dev.echelon.server.JetStreamIT.env;
import static dev.echelon.server.JetStreamIT.get;
import static dev.echelon.server.JetStreamIT.post;
import static dev.echelon.server.JetStreamIT.putWorld;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JetStream log through NATS's own failures: a lost stream, evicted messages, a dead leader. */
@Timeout(180)
class JetStreamFailuresIT {
  @TempDir Path dir;

  interface Action {
    JetStreamIT.Answer run() throws Exception;
  }

  /** Retries until the answer is 200 or the wait is over; returns the last answer. */
  static JetStreamIT.Answer until200(Action a) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    JetStreamIT.Answer r;
    do {
      r = a.run();
      if (r.status() == 200) return r;
      Thread.sleep(100);
    } while (System.nanoTime() < end);
    return r;
  }

  /** What a viewer got until {@code replayId} ended, as names (and chunk indices). */
  static List<String> untilEnd(SseReader v, String replayId) {
    List<String> out = new ArrayList<>();
    while (true) {
      SseReader.Event e = v.next(WAIT);
      String id = e.name().equals("resync") ? "" : e.json().path("replay_id").asText();
      out.add(e.name() + (e.name().equals("replay_chunk") ? e.json().get("chunk_index").asInt() : "") + ":" + id);
      if (e.name().equals("replay_end") && id.equals(replayId)) return out;
    }
  }

  @Test
  void afterTheStreamIsRemovedBothServersServeNewPushesAndViewersWithoutARestartAndIdsGoOn() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1));
        ServerProcess b = new ServerProcess(dir.resolve("b"), env(nats.url(), 1));
        SseReader onA = new SseReader(a.url("/events"));
        Connection nc = Nats.connect(nats.url())) {
      String hash = putWorld(a.url(""));
      for (int i = 0; i < 10; i++) assertThat(post(a.url("/push"), chunk("before", hash, i)).status()).isEqualTo(200);
      assertThat(untilEnd(onA, "before")).hasSize(12);
      long lastBefore = TestServer.parse(get(a.url("/replays/before")).body()).get("last_event_id").asLong();

      nc.jetStreamManagement().deleteStream("ECHELON"); // nats stream rm, with both servers running
      long t0 = System.nanoTime();
      String world = putWorld(b.url("")); // the worlds bucket is still there; the stream is made again
      for (int i = 0; i < 10; i++) {
        String c = chunk("after", world, i);
        ServerProcess via = i % 2 == 0 ? a : b;
        assertThat(until200(() -> post(via.url("/push"), c)).status()).as("push %d after the removal", i).isEqualTo(200);
      }
      try (SseReader fresh = new SseReader(b.url("/events?replay=after"))) {
        assertThat(untilEnd(fresh, "after")).hasSize(12);
      }
      assertThat(System.nanoTime() - t0).as("both serve again within 10 s").isLessThan(10_000_000_000L);
      List<String> told = untilEnd(onA, "after");
      assertThat(told.get(0)).as("a viewer from before is told").startsWith("resync");
      JsonNode after = TestServer.parse(get(b.url("/replays/after")).body());
      assertThat(after.get("first_event_id").asLong()).as("ids go on above the lost stream's").isGreaterThan(lastBefore);
      assertThat(get(a.url("/replays/before")).status()).isEqualTo(404);
      assertThat(get(b.url("/metrics")).body()).containsPattern("echelon_nats_stream_resets_total [1-9]");
      assertThat(get(a.url("/health")).status()).isEqualTo(200);
    }
  }

  @Test
  void natsComingBackWithAnEmptyStoreIsSurvivedWithoutARestart() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1));
        ServerProcess b = new ServerProcess(dir.resolve("b"), env(nats.url(), 1))) {
      String hash = putWorld(a.url(""));
      for (int i = 0; i < 3; i++) assertThat(post(a.url("/push"), chunk("lost", hash, i)).status()).isEqualTo(200);
      nats.kill();
      nats.wipe(); // its store is gone
      nats.start();
      var head = new okhttp3.Request.Builder().url(a.url("/worlds/" + hash)).head().build();
      long end = System.nanoTime() + WAIT.toNanos();
      while (JetStreamIT.call(head).status() != 404 && System.nanoTime() < end) Thread.sleep(100);
      assertThat(JetStreamIT.call(head).status()).as("HEAD says the world is gone, even from the server that cached it")
          .isEqualTo(404);
      String world = putWorld(a.url("")); // a trainer uploads its world again when HEAD says it is gone
      assertThat(get(b.url("/worlds/" + world)).status()).as("stored in the bucket, not only in a's cache")
          .isEqualTo(200);
      assertThat(until200(() -> post(a.url("/push"), chunk("fresh", world, 0))).status()).isEqualTo(200);
      for (int i = 1; i < 10; i++) assertThat(post(a.url("/push"), chunk("fresh", world, i)).status()).isEqualTo(200);
      JsonNode fresh = TestServer.parse(get(a.url("/replays/fresh")).body());
      assertThat(fresh.get("complete").asBoolean()).isTrue();
      assertThat(get(a.url("/replays/lost")).status()).isEqualTo(404);
      for (int i = 0; i < 10; i++) {
        assertThat(TestServer.parse(get(a.url("/replays/fresh/chunks/" + i)).body()).get("frames"))
            .isEqualTo(TestServer.parse(chunk("fresh", world, i)).get("frames"));
      }
    }
  }

  @Test
  void evictionDuringPushesNeverListsAChunkThatCannotBeFetched() throws Exception {
    Map<String, String> small = new HashMap<>(env("", 1));
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start()) {
      small.put("ECHELON_LOG", nats.url());
      small.put("ECHELON_RETAIN_MAX_BYTES", String.valueOf(600_000)); // a few replays' worth: evicts while pushing
      try (ServerProcess a = new ServerProcess(dir.resolve("a"), small)) {
        String hash = putWorld(a.url(""));
        int checked = 0;
        for (int r = 0; r < 12; r++) {
          for (int i = 0; i < 10; i++) {
            assertThat(post(a.url("/push"), chunk("e" + r, hash, i)).status()).isEqualTo(200);
            for (JsonNode listed : TestServer.parse(get(a.url("/replays?limit=100")).body()).get("replays")) {
              String id = listed.get("replay_id").asText();
              JsonNode one = TestServer.parse(get(a.url("/replays/" + id)).body());
              if (one.has("detail")) continue; // evicted since the list was made
              for (JsonNode c : one.get("received")) {
                JetStreamIT.Answer body = get(a.url("/replays/" + id + "/chunks/" + c.asInt()));
                boolean stillListed = get(a.url("/replays/" + id)).status() == 200;
                if (stillListed) assertThat(body.status()).as("%s#%d is listed", id, c.asInt()).isEqualTo(200);
                checked++;
              }
            }
          }
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(get(a.url("/metrics")).body()).containsPattern("echelon_nats_evicted_replays_total [1-9]");
        try (SseReader late = new SseReader(a.url("/events"), "1")) {
          assertThat(late.next(WAIT).name()).as("a viewer resuming before the evicted part is told").isEqualTo("resync");
          SseReader.Event start = late.next(WAIT);
          assertThat(start.name()).isEqualTo("replay_start");
          assertThat(start.json().get("world")).isNotNull();
        }
      }
    }
  }

  @Test
  void aReplayCompletedBehindEveryAppendersBackGetsExactlyOneEnd() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1));
        ServerProcess b = new ServerProcess(dir.resolve("b"), env(nats.url(), 1));
        SseReader viewer = new SseReader(a.url("/events?replay=direct"));
        Connection nc = Nats.connect(nats.url())) {
      String hash = putWorld(a.url(""));
      // messages as an appender whose server died before it could publish the end would have left them
      var js = nc.jetStream();
      String subject = "echelon.replay.~.direct";
      js.publish(NatsMessage.builder().subject(subject).headers(headers("start", hash, -1)).data(new byte[0]).build(),
          PublishOptions.builder().messageId("direct.start").build());
      for (int i = 0; i < 2; i++) {
        byte[] payload = ("{\"replay_id\":\"direct\",\"chunk_index\":" + i + ",\"frames\":[]}").getBytes();
        byte[] deflated = dev.echelon.server.log.Payload.deflate(List.of(dev.echelon.server.log.Payload.Slice.of(payload)))
            .deflatedBytes();
        Headers h = headers("chunk", hash, i);
        h.add("Echelon-Plain-Length", String.valueOf(payload.length));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(payload);
        h.add("Echelon-Crc", String.valueOf((int) crc.getValue()));
        js.publish(NatsMessage.builder().subject(subject).headers(h).data(deflated).build(),
            PublishOptions.builder().messageId("direct." + i).build());
      }
      List<String> got = untilEnd(viewer, "direct");
      assertThat(got).containsExactly("replay_start:direct", "replay_chunk0:direct", "replay_chunk1:direct",
          "replay_end:direct");
      Thread.sleep(1500); // both servers' publishers have had their go: still one end
      long ends = 0;
      var sub = js.subscribe(subject, io.nats.client.PushSubscribeOptions.builder()
          .configuration(io.nats.client.api.ConsumerConfiguration.builder().headersOnly(true).build()).build());
      for (io.nats.client.Message m; (m = sub.nextMessage(java.time.Duration.ofMillis(500))) != null; ) {
        if ("end".equals(m.getHeaders().getFirst("Echelon-Kind"))) ends++;
      }
      assertThat(ends).isEqualTo(1);
      assertThat(TestServer.parse(get(b.url("/replays/direct")).body()).get("complete").asBoolean()).isTrue();
    }
  }

  private static Headers headers(String kind, String hash, int index) {
    Headers h = new Headers();
    h.add("Echelon-Kind", kind);
    h.add("Echelon-Replay", "direct");
    h.add("Echelon-World", hash);
    h.add("Echelon-At", String.valueOf(System.currentTimeMillis()));
    h.add("Echelon-Count", "2");
    if (index >= 0) {
      h.add("Echelon-Index", String.valueOf(index));
      h.add("Echelon-Frames", "0");
    }
    return h;
  }

  @Test
  void aReplayFiledWithoutARunStaysSoForListingsAndSubscriptionsAlike() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        ServerProcess a = new ServerProcess(dir.resolve("a"), env(nats.url(), 1));
        SseReader all = new SseReader(a.url("/events"));
        SseReader runViewer = new SseReader(a.url("/events?run=cluster-run"))) {
      String hash = putWorld(a.url(""));
      assertThat(post(a.url("/push"), chunk("late-run", hash, 1)).status()).isEqualTo(200); // chunk 1 first: no run
      for (int i : new int[] {0, 2, 3, 4, 5, 6, 7, 8, 9}) {
        assertThat(post(a.url("/push"), chunk("late-run", hash, i)).status()).isEqualTo(200); // chunk 0 names the run
      }
      assertThat(untilEnd(all, "late-run")).hasSize(12);
      JsonNode runs = TestServer.parse(get(a.url("/runs")).body());
      assertThat(runs.get("runs")).as("filed by its first message: no run, for the listing too").isEmpty();
      assertThat(runViewer.events).isEmpty();
      for (int i = 0; i < 10; i++) {
        assertThat(post(a.url("/push"), chunk("named", hash, i)).status()).isEqualTo(200);
      }
      assertThat(untilEnd(runViewer, "named").get(0)).isEqualTo("replay_start:named");
    }
  }

  @Test
  void aThreeNodeClusterThatLosesItsLeaderMidPushLosesNoAcknowledgedChunk() throws Exception {
    NatsServer n1 = new NatsServer(dir.resolve("n1"), "n1");
    NatsServer n2 = new NatsServer(dir.resolve("n2"), "n2");
    NatsServer n3 = new NatsServer(dir.resolve("n3"), "n3");
    List<Integer> routes = List.of(n1.clusterPort, n2.clusterPort, n3.clusterPort);
    try (n1; n2; n3) {
      n1.cluster(routes).start();
      n2.cluster(routes).start();
      n3.cluster(routes).start();
      String urls = n1.url() + "," + n2.url() + "," + n3.url();
      try (ServerProcess a = JetStreamIT.startWhenClusterIsReady(dir.resolve("a"), env(urls, 3));
          Connection nc = Nats.connect(new io.nats.client.Options.Builder().servers(urls.split(",")).build())) {
        String hash = putWorld(a.url(""));
        for (int i = 0; i < 5; i++) assertThat(post(a.url("/push"), chunk("r3", hash, i)).status()).isEqualTo(200);
        String leader = nc.jetStreamManagement().getStreamInfo("ECHELON").getClusterInfo().getLeader();
        (leader.equals("n1") ? n1 : leader.equals("n2") ? n2 : n3).kill(); // the stream's leader dies mid-push
        for (int i = 5; i < 10; i++) {
          String c = chunk("r3", hash, i);
          JetStreamIT.Answer r = until200(() -> post(a.url("/push"), c));
          assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        // a server started after the loss builds its index from what the surviving nodes hold
        try (ServerProcess fresh = JetStreamIT.startWhenClusterIsReady(dir.resolve("b"), env(urls, 3))) {
          // worlds are read from the bucket's leader: a replica that is behind would report one missing
          assertThat(nc.jetStreamManagement().getStreamInfo("OBJ_ECHELON_WORLDS").getConfiguration().getAllowDirect())
              .isFalse();
          for (ServerProcess s : new ServerProcess[] {a, fresh}) {
            JsonNode summary = TestServer.parse(get(s.url("/replays/r3")).body());
            assertThat(summary.get("received").toString()).isEqualTo("[0,1,2,3,4,5,6,7,8,9]");
            for (int i = 0; i < 10; i++) {
              JetStreamIT.Answer body = get(s.url("/replays/r3/chunks/" + i));
              assertThat(body.status()).isEqualTo(200);
              assertThat(TestServer.parse(body.body()).get("frames")).as("chunk %d read back after the loss", i)
                  .isEqualTo(TestServer.parse(chunk("r3", hash, i)).get("frames"));
            }
          }
        }
      }
    }
  }
}
