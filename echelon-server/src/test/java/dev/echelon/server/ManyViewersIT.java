package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events are framed once and shared by every viewer: whatever its encoding, subscription or
 * whether it reads live or from disk, each viewer must receive exactly the same events.
 */
@Timeout(180)
class ManyViewersIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> RUNS = List.of("alpha", "beta");
  private static final int REPLAYS_PER_RUN = 3;
  private static final int CHUNKS = 4;

  @TempDir Path runs;

  @Test
  void twoHundredViewersWithMixedEncodingsAndFiltersReceiveIdenticalEvents() throws Exception {
    // a tail cache smaller than one chunk: late joiners read every chunk from disk
    ServerConfig config = ServerConfig.forTesting(runs).newBuilder()
        .sse(260, Duration.ofSeconds(15), Duration.ofSeconds(30)).tailCacheBytes(16 << 10).build();
    try (TestServer s = new TestServer(config)) {
      String world = s.putSmallWorld();
      String watched = "alpha-1";
      Map<String, List<SseReader>> bySubscription = new LinkedHashMap<>();
      for (String sub : List.of("", "?run=alpha", "?run=beta", "?replay=" + watched)) {
        List<SseReader> readers = new ArrayList<>();
        for (int i = 0; i < 50; i++) readers.add(new SseReader(s.url("/events" + sub), null, i % 2 == 0));
        bySubscription.put(sub, readers);
      }
      List<SseReader> all = new ArrayList<>();
      bySubscription.values().forEach(all::addAll);
      try {
        Map<String, List<ArrayNode>> pushed = new LinkedHashMap<>();
        for (int r = 0; r < REPLAYS_PER_RUN; r++) {
          for (String run : RUNS) pushed.put(run + "-" + r, push(s, run + "-" + r, run, world));
        }
        // twenty more join late and read everything from disk, half of them gzip
        List<SseReader> late = new ArrayList<>();
        for (int i = 0; i < 20; i++) late.add(new SseReader(s.url("/events"), "0", i % 2 == 0));
        all.addAll(late);
        assertThat(all).hasSize(220);

        int perReplay = CHUNKS + 2;
        Map<String, Integer> expected = Map.of("", 6 * perReplay, "?run=alpha", 3 * perReplay,
            "?run=beta", 3 * perReplay, "?replay=" + watched, perReplay);
        Map<String, List<SseReader.Event>> reference = new LinkedHashMap<>();
        for (var e : bySubscription.entrySet()) {
          List<SseReader.Event> first = take(e.getValue().get(0), expected.get(e.getKey()));
          reference.put(e.getKey(), first);
          for (SseReader v : e.getValue().subList(1, e.getValue().size())) {
            assertThat(take(v, expected.get(e.getKey()))).as("viewer of /events%s", e.getKey()).isEqualTo(first);
          }
        }
        for (SseReader v : late) assertThat(take(v, 6 * perReplay)).as("late joiner").isEqualTo(reference.get(""));
        // the late joiners' chunks came from disk: framed once per encoding and shared
        assertThat(s.get("/metrics").body()).containsPattern("echelon_sse_frame_cache_bytes [1-9]");

        // what they all received is what was pushed, and each filter is its part of the whole
        List<SseReader.Event> everything = reference.get("");
        for (var e : reference.entrySet()) {
          assertThat(e.getValue()).isEqualTo(everything.stream().filter(ev -> covers(e.getKey(), ev)).toList());
        }
        for (var replay : pushed.entrySet()) {
          List<SseReader.Event> chunks = everything.stream()
              .filter(ev -> ev.name().equals("replay_chunk") && ev.json().get("replay_id").asText().equals(replay.getKey()))
              .toList();
          assertThat(chunks).hasSize(CHUNKS);
          for (int i = 0; i < CHUNKS; i++) {
            assertThat(chunks.get(i).json().get("chunk_index").asInt()).isEqualTo(i);
            assertThat(chunks.get(i).json().get("frames")).isEqualTo(replay.getValue().get(i));
          }
        }
      } finally {
        all.forEach(SseReader::close);
      }
    }
  }

  /** Pushes a replay of {@link #CHUNKS} chunks filed under {@code run}; returns each chunk's frames. */
  private static List<ArrayNode> push(TestServer s, String id, String run, String world) {
    List<ArrayNode> sent = new ArrayList<>();
    for (int i = 0; i < CHUNKS; i++) {
      ObjectNode chunk = Json.mapper().createObjectNode();
      chunk.put("replay_id", id).put("world_ref", world).put("chunk_index", i).put("chunk_count", CHUNKS);
      ArrayNode frames = chunk.putArray("frames");
      for (int f = 0; f < 20; f++) {
        ObjectNode frame = frames.addObject().put("t", i * 20 + f).put("note", "é\"\\" + "x".repeat(900) + f);
        frame.putArray("mechs").addObject().put("id", id + "/" + f).put("hp", 100.0 - f / 3.0);
      }
      if (i == 0) chunk.putObject("run").put("name", run);
      sent.add(frames.deepCopy());
      TestServer.Answer a = s.post("/push", chunk.toString());
      assertThat(a.status()).as("push of %s#%d: %s", id, i, a.body()).isEqualTo(200);
    }
    return sent;
  }

  private static List<SseReader.Event> take(SseReader v, int n) {
    List<SseReader.Event> got = new ArrayList<>();
    for (int i = 0; i < n; i++) got.add(v.next(WAIT));
    return got;
  }

  private static boolean covers(String subscription, SseReader.Event e) {
    String replay = e.json().get("replay_id").asText();
    if (subscription.isEmpty()) return true;
    if (subscription.startsWith("?run=")) return replay.startsWith(subscription.substring(5) + "-");
    return replay.equals(subscription.substring("?replay=".length()));
  }
}
