package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /replays} filters, sorts and pages, checked against a brute-force search of the same replays. */
@Timeout(120)
class ReplaySearchIT {
  @TempDir Path runs;

  /** What the test pushed, to search by hand. */
  record Pushed(String id, String run, Long update, boolean complete, int frames, String note, String winner,
      int kills) {
    double duration() {
      return (frames - 1) * 0.25;
    }
  }

  @Test
  void everyFilterSortAndPageAgreesWithABruteForceSearch() throws Exception {
    Random random = new Random(11);
    try (TestServer s = TestServer.start(runs)) {
      String world = s.putSmallWorld();
      Map<String, Pushed> pushed = new HashMap<>();
      String[] runNames = {"alpha", "beta", null};
      String[] notes = {"Arena North", "arena south", "desert", "night OPS"};
      for (int i = 0; i < 60; i++) {
        String id = "r" + i;
        String run = runNames[random.nextInt(3)];
        Long update = run == null || random.nextInt(5) == 0 ? null : (long) random.nextInt(40);
        boolean complete = random.nextInt(4) != 0;
        int frames = 1 + random.nextInt(30);
        String note = notes[random.nextInt(notes.length)];
        String winner = List.of("blue", "red", "none").get(random.nextInt(3));
        int kills = Math.min(frames, random.nextInt(6));
        StringBuilder f = new StringBuilder("[");
        for (int k = 0; k < frames; k++) {
          f.append(k == 0 ? "" : ",").append("{\"t\":").append(k * 0.25);
          if (k < kills) f.append(",\"events\":[{\"type\":\"kill\",\"shooter\":\"blue_0\",\"target\":\"red_1\"}]");
          if (k == frames - 1) { // the last frame decides by zone points, or nobody reaches them
            f.append(",\"objective\":{\"zone_score\":{\"blue\":").append(winner.equals("blue") ? 15 : 3)
                .append(",\"red\":").append(winner.equals("red") ? 15 : 4).append("},\"zone_score_to_win\":15}");
          }
          f.append('}');
        }
        String runJson = run == null ? "" : ",\"run\":{\"name\":\"" + run + "\"" + (update == null ? "" : ",\"update\":"
            + update + ",\"global_step\":" + update * 4096) + "}";
        String body = "{\"replay_id\":\"" + id + "\",\"world_ref\":\"" + world + "\",\"chunk_index\":0,\"chunk_count\":"
            + (complete ? 1 : 2) + ",\"meta\":{\"map\":\"" + note + "\"}" + runJson + ",\"frames\":" + f + "]}";
        assertThat(s.post("/push", body).status()).isEqualTo(200);
        pushed.put(id, new Pushed(id, run, update, complete, frames, note, winner, kills));
      }
      JsonNode everything = s.get("/replays?limit=1000").json();
      assertThat(everything.get("replays")).hasSize(60);
      Map<String, Double> startedAt = new HashMap<>();
      everything.get("replays").forEach(r -> startedAt.put(r.get("replay_id").asText(), r.get("started_at").asDouble()));
      Comparator<Pushed> newest = Comparator.comparing((Pushed p) -> startedAt.get(p.id())).reversed()
          .thenComparing(Pushed::id, Comparator.reverseOrder());
      everything.get("replays").forEach(r -> {
        Pushed p = pushed.get(r.get("replay_id").asText());
        JsonNode o = r.get("outcome");
        assertThat(o.get("winner").isNull() ? "none" : o.get("winner").asText()).isEqualTo(p.winner());
        assertThat(o.get("kills").asInt()).isEqualTo(p.kills());
        assertThat(o.get("duration_s").asDouble()).isEqualTo(p.duration());
        assertThat(o.get("rule").asText()).isEqualTo(!p.winner().equals("none") ? "zone"
            : p.complete() ? "time-out" : "undecided");
      });
      Map<String, Comparator<Pushed>> sorts = Map.of("newest", newest,
          "update", Comparator.comparing(Pushed::update, Comparator.nullsLast(Comparator.<Long>reverseOrder()))
              .thenComparing(newest),
          "longest", Comparator.comparingInt(Pushed::frames).reversed().thenComparing(newest),
          "kills", Comparator.comparingInt(Pushed::kills).reversed().thenComparing(newest));

      for (int trial = 0; trial < 60; trial++) {
        List<String> params = new ArrayList<>();
        List<Predicate<Pushed>> expect = new ArrayList<>();
        if (random.nextBoolean()) {
          String run = random.nextBoolean() ? "alpha" : "beta";
          params.add("run=" + run);
          expect.add(p -> run.equals(p.run()));
        }
        if (random.nextInt(3) == 0) {
          long lo = random.nextInt(30);
          params.add("update_min=" + lo);
          expect.add(p -> p.update() != null && p.update() >= lo);
        }
        if (random.nextInt(3) == 0) {
          long hi = 10 + random.nextInt(30);
          params.add("update_max=" + hi);
          expect.add(p -> p.update() != null && p.update() <= hi);
        }
        if (random.nextInt(3) == 0) {
          boolean c = random.nextBoolean();
          params.add("complete=" + c);
          expect.add(p -> p.complete() == c);
        }
        if (random.nextInt(3) == 0) {
          String q = random.nextBoolean() ? "ARENA" : "ops";
          params.add("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
          expect.add(p -> p.note().toLowerCase(Locale.ROOT).contains(q.toLowerCase(Locale.ROOT)));
        }
        if (random.nextInt(3) == 0) {
          String w = List.of("blue", "red", "none").get(random.nextInt(3));
          params.add("winner=" + w);
          expect.add(p -> p.winner().equals(w));
        }
        if (random.nextInt(3) == 0) {
          int k = random.nextInt(5);
          params.add("min_kills=" + k);
          expect.add(p -> p.kills() >= k);
        }
        if (random.nextInt(3) == 0) {
          double lo = random.nextInt(20) * 0.25;
          params.add("min_duration=" + lo);
          expect.add(p -> p.duration() >= lo);
        }
        if (random.nextInt(3) == 0) {
          double hi = random.nextInt(30) * 0.25;
          params.add("max_duration=" + hi);
          expect.add(p -> p.duration() <= hi);
        }
        String sort = List.of("newest", "update", "longest", "kills").get(random.nextInt(4));
        params.add("sort=" + sort);
        int limit = 1 + random.nextInt(7);
        params.add("limit=" + limit);

        List<String> want = pushed.values().stream().filter(p -> expect.stream().allMatch(e -> e.test(p)))
            .sorted(sorts.get(sort)).map(Pushed::id).toList();
        List<String> got = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 100; pages++) {
          String url = "/replays?" + String.join("&", params) + (cursor == null ? "" : "&cursor=" + cursor);
          JsonNode page = s.get(url).json();
          page.get("replays").forEach(r -> got.add(r.get("replay_id").asText()));
          if (page.get("next_cursor").isNull()) break;
          cursor = page.get("next_cursor").asText();
        }
        assertThat(got).as("GET /replays?%s", String.join("&", params)).isEqualTo(want);
      }

      assertThat(s.get("/replays?sort=most").status()).isEqualTo(400);
      assertThat(s.get("/replays?sort=most").json().get("detail").asText()).contains("newest, update, longest or kills");
      assertThat(s.get("/replays?min_duration=soon").json().get("detail").asText())
          .contains("min_duration must be a number of seconds");
      assertThat(s.get("/replays?min_kills=1.5").status()).isEqualTo(400);
      assertThat(s.get("/replays?complete=yes").status()).isEqualTo(400);
      assertThat(s.get("/replays?update_min=x").json().get("detail").asText()).contains("update_min must be a whole");
      assertThat(s.get("/replays?sort=update&cursor=garbage").status()).isEqualTo(400);
      String newestCursor = s.get("/replays?limit=1").json().get("next_cursor").asText();
      assertThat(s.get("/replays?sort=longest&cursor=" + newestCursor).json().get("detail").asText())
          .contains("same sort");
    }
  }

  @Test
  void aRunsProgressHasOnePointPerReplayInTrainingOrder() throws Exception {
    try (TestServer s = TestServer.start(runs)) {
      String world = s.putSmallWorld();
      long[] updates = {7, 3, 12, 3};
      for (int i = 0; i < updates.length; i++) {
        String body = "{\"replay_id\":\"p" + i + "\",\"world_ref\":\"" + world + "\",\"chunk_index\":0,\"chunk_count\":1,"
            + "\"run\":{\"name\":\"gamma\",\"update\":" + updates[i] + ",\"global_step\":" + updates[i] * 2048
            + ",\"eval\":{\"win_rate\":0." + i + "}},\"frames\":[{\"t\":0},{\"t\":0.25}]}";
        assertThat(s.post("/push", body).status()).isEqualTo(200);
      }
      assertThat(s.post("/push", "{\"replay_id\":\"other\",\"world_ref\":\"" + world + "\",\"chunk_index\":0,"
          + "\"chunk_count\":1,\"run\":{\"name\":\"delta\"},\"frames\":[{\"t\":0}]}").status()).isEqualTo(200);

      JsonNode progress = s.get("/runs/gamma/progress").json();
      assertThat(progress.get("run").asText()).isEqualTo("gamma");
      List<String> order = new ArrayList<>();
      progress.get("points").forEach(p -> order.add(p.get("replay_id").asText() + "@" + p.get("update").asLong()));
      assertThat(order).containsExactly("p1@3", "p3@3", "p0@7", "p2@12");
      JsonNode p2 = progress.get("points").get(3);
      assertThat(p2.get("global_step").asLong()).isEqualTo(12 * 2048);
      assertThat(p2.get("eval").get("win_rate").asDouble()).isEqualTo(0.2);
      assertThat(p2.get("frames").asInt()).isEqualTo(2);
      assertThat(p2.get("complete").asBoolean()).isTrue();
      assertThat(s.get("/runs/nosuchrun/progress").status()).isEqualTo(404);
    }
  }
}
