package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** Compressed event streams and per-run / per-replay subscriptions. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class SubscriptionIT {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path runs;


  /** Pushes a 2-chunk replay whose chunk 0 carries {@code run} (a JSON object or null). */
  static void replay(TestServer s, String hash, String id, String run, int frameBytes) {
    String payload = "x".repeat(frameBytes);
    for (int i = 0; i < 2; i++) {
      String body = "{\"replay_id\":\"" + id + "\",\"world_ref\":\"" + hash + "\",\"chunk_index\":" + i
          + ",\"chunk_count\":2,\"frames\":[{\"t\":" + i + ",\"p\":\"" + payload + "\"}]"
          + (i == 0 && run != null ? ",\"run\":" + run : "") + "}";
      assertThat(s.post("/push", body).status()).isEqualTo(200);
    }
  }

  static List<String> drain(SseReader r, int events) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      SseReader.Event e = r.next(WAIT);
      out.add(e.id() + " " + e.name() + " " + e.data());
    }
    return out;
  }

  @Test
  void gzipAndPlainViewersReceiveIdenticalEvents() throws Exception {
    try (TestServer s = TestServer.start(runs); SseReader gz = new SseReader(s.url("/events"), null, true);
        SseReader plain = new SseReader(s.url("/events"), null, false)) {
      String hash = s.putSmallWorld();
      replay(s, hash, "same1", "{\"name\":\"exp\"}", 50_000);
      replay(s, hash, "same2", null, 10);
      List<String> a = drain(gz, 8);
      List<String> b = drain(plain, 8);
      assertThat(a).isEqualTo(b);
      assertThat(a.get(0)).contains("replay_start").contains("\"run\":{\"name\":\"exp\"}");
      assertThat(s.get("/metrics").body()).contains("echelon_sse_gzip_connections_total 1")
          .contains("echelon_sse_connections_total 2");
      Thread.sleep(100);
      assertThat(gz.events).isEmpty();
    }
  }

  @Test
  void runAndReplayFiltersDeliverExactlyTheMatchingReplays() {
    try (TestServer s = TestServer.start(runs); SseReader all = new SseReader(s.url("/events"));
        SseReader runA = new SseReader(s.url("/events?run=alpha"));
        SseReader byDir = new SseReader(s.url("/events?run=runs/beta"));
        SseReader one = new SseReader(s.url("/events?replay=a2"))) {
      String hash = s.putSmallWorld();
      replay(s, hash, "a1", "{\"name\":\"alpha\",\"update\":1}", 10);
      replay(s, hash, "b1", "{\"run_dir\":\"runs/beta\"}", 10);
      replay(s, hash, "a2", "{\"name\":\"alpha\",\"update\":2}", 10);
      replay(s, hash, "n1", null, 10);
      assertThat(replayIds(all, 16)).containsExactly("a1", "a2", "b1", "n1");
      assertThat(replayIds(runA, 8)).containsExactly("a1", "a2");
      assertThat(replayIds(byDir, 4)).containsExactly("b1");
      assertThat(replayIds(one, 4)).containsExactly("a2");
      for (SseReader r : new SseReader[] {runA, byDir, one}) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        assertThat(r.events).isEmpty();
      }
      JsonNode runsList = s.get("/runs").json().get("runs");
      assertThat(runsList).hasSize(2);
      JsonNode alpha = runsList.get(0).get("name").asText().equals("alpha") ? runsList.get(0) : runsList.get(1);
      assertThat(alpha.get("replays").asInt()).isEqualTo(2);
      assertThat(alpha.get("latest_replay").asText()).isEqualTo("a2");
      assertThat(alpha.get("run").get("update").asInt()).isEqualTo(2);
      assertThat(s.get("/events?replay=../x").status()).isEqualTo(422);
    }
  }

  @Test
  void aLateSubscriberToARunCatchesUpOnThatRunsLatestReplay() {
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putSmallWorld();
      replay(s, hash, "a1", "{\"name\":\"alpha\"}", 10);
      replay(s, hash, "b1", "{\"name\":\"beta\"}", 10);
      try (SseReader late = new SseReader(s.url("/events?run=alpha"))) {
        SseReader.Event start = late.next(WAIT);
        assertThat(start.json().get("replay_id").asText()).isEqualTo("a1");
      }
    }
  }

  @Test
  void aStalledSubscriberToOneRunDoesNotAffectASubscriberToAnother() throws Exception {
    try (TestServer s = TestServer.stallingAfter(runs, Duration.ofSeconds(1)); SseReader alpha = new SseReader(s.url("/events?run=alpha"))) {
      String hash = s.putSmallWorld();
      Socket stalled = FanOutIT.stalledViewer(s.server.port(), "/events?run=beta");
      try {
        long end = System.nanoTime() + WAIT.toNanos();
        while (s.get("/health").json().get("clients").asInt() < 2 && System.nanoTime() < end) Thread.sleep(10);
        for (int i = 0; i < 20; i++) {
          replay(s, hash, "b" + i, "{\"name\":\"beta\"}", 400_000);
          replay(s, hash, "a" + i, "{\"name\":\"alpha\"}", 10);
        }
        Set<String> got = new TreeSet<>(replayIds(alpha, 20 * 4));
        assertThat(got).hasSize(20).allMatch(id -> id.startsWith("a"));
        end = System.nanoTime() + WAIT.toNanos();
        while (s.get("/health").json().get("clients").asInt() > 1 && System.nanoTime() < end) Thread.sleep(20);
        assertThat(s.get("/health").json().get("clients").asInt()).isEqualTo(1);
      } finally {
        stalled.close();
      }
    }
  }

  /** Replay ids seen in {@code events} events, in first-seen order, checking each replay's events are whole. */
  static List<String> replayIds(SseReader r, int events) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      String id = r.next(WAIT).json().get("replay_id").asText();
      if (!ids.contains(id)) ids.add(id);
    }
    return ids.stream().sorted().toList();
  }
}
