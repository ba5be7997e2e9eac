package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.server.log.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Retention under budgets small enough to bite: it never takes a replay that is still being pushed. */
@Timeout(60)
class RetentionIT {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path runs;

  static String chunk(String id, String hash, int index, Integer count) {
    return "{\"replay_id\":\"" + id + "\",\"world_ref\":\"" + hash + "\",\"chunk_index\":" + index
        + ",\"chunk_count\":" + count + ",\"frames\":[{\"t\":" + index + "}]}";
  }

  @Test
  void replaysStillBeingPushedKeepEveryChunkWhileOneChunkReplaysFloodIn() throws Exception {
    TestClock clock = new TestClock();
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder().retention(1L << 30, 10).build(), clock);
        SseReader viewer = new SseReader(s.url("/events"))) {
      String hash = s.putSmallWorld();
      int flood = 0;
      for (int i = 0; i < 5; i++) {
        for (int t = 0; t < 6; t++) assertThat(s.post("/push", chunk("live" + t, hash, i, 5)).status()).isEqualTo(200);
        for (int k = 0; k < 6; k++) {
          assertThat(s.post("/push", chunk("flood" + flood++, hash, 0, 1)).status()).isEqualTo(200);
        }
        clock.advance(Duration.ofSeconds(20)); // trainers are slow: each chunk comes 20 s after the last
      }
      for (int t = 0; t < 6; t++) {
        JsonNode r = s.get("/replays/live" + t).json();
        assertThat(r.get("complete").asBoolean()).as("live%d", t).isTrue();
        assertThat(r.get("received")).hasSize(5);
      }
      List<String> starts = new ArrayList<>();
      List<String> ends = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (ends.size() < 6 && System.nanoTime() < deadline) {
        SseReader.Event e = viewer.next(WAIT);
        String id = e.json().path("replay_id").asText();
        if (id.startsWith("live") && e.name().equals("replay_start")) starts.add(id);
        if (id.startsWith("live") && e.name().equals("replay_end")) ends.add(id);
      }
      assertThat(starts).as("each live replay started once").hasSize(6).doesNotHaveDuplicates();
      assertThat(ends).hasSize(6);
    }
  }

  @Test
  void theBudgetIsEnforcedOnceReplaysGoQuiet() throws Exception {
    TestClock clock = new TestClock();
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder().retention(1L << 30, 4).build(), clock)) {
      String hash = s.putSmallWorld();
      for (int i = 0; i < 8; i++) s.post("/push", chunk("done" + i, hash, 0, 1));
      for (int i = 0; i < 4; i++) s.post("/push", chunk("abandoned" + i, hash, 0, 3));
      assertThat(s.get("/replays").json().get("total").asInt()).as("everything is recent: nothing goes yet").isEqualTo(12);
      clock.advance(Duration.ofMinutes(10)); // all of them went quiet
      s.post("/push", chunk("new", hash, 0, 1));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (s.get("/replays").json().get("total").asInt() > 4 && System.nanoTime() < deadline) Thread.sleep(10);
      JsonNode list = s.get("/replays").json();
      assertThat(list.get("total").asInt()).isEqualTo(4);
      assertThat(list.get("replays").get(0).get("replay_id").asText()).isEqualTo("new");
    }
  }
}
