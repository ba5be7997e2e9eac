package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** {@code kill -9} of the server's own JVM in the middle of a 30-chunk push. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class CrashRecoveryIT {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final int CHUNKS = 30;

  @TempDir Path tmp;

  @Test
  void everyAcknowledgedChunkSurvivesAKillAndAResumingViewerGetsExactlyWhatItMissed() throws Exception {
    Path runs = tmp.resolve("runs");
    List<String> sent = new ArrayList<>();
    List<Integer> acked = new CopyOnWriteArrayList<>();
    try (ServerProcess server = new ServerProcess(runs, Map.of())) {
      OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
      String hash = putWorld(http, server);
      for (int i = 0; i < CHUNKS; i++) sent.add(DiskFullIT.chunk("crash", hash, i, CHUNKS));
      List<SseReader.Event> before = new ArrayList<>();
      try (SseReader viewer = new SseReader(server.url("/events"))) {
        Thread pusher = Thread.ofPlatform().start(() -> {
          for (int i = 0; i < CHUNKS; i++) {
            if (post(http, server.url("/push"), sent.get(i)) != 200) return; // the server is gone
            acked.add(i);
          }
        });
        while (acked.size() < 10) Thread.sleep(5);
        server.kill9();
        pusher.join(10_000);
        assertThat(acked.size()).as("the kill came mid-push").isLessThan(CHUNKS);
        viewer.awaitEnd(Duration.ofSeconds(5));
        before.addAll(viewer.events);
      }
      assertThat(before).isNotEmpty();
      long lastId = before.get(before.size() - 1).id();

      server.start(); // same runs directory, same port
      for (int i : acked) {
        JsonNode stored = json(http, server.url("/replays/crash/chunks/" + i));
        assertThat(stored.get("frames")).as("chunk %d, acknowledged before the kill", i)
            .isEqualTo(TestServer.parse(sent.get(i)).get("frames"));
      }
      try (SseReader resumed = new SseReader(server.url("/events"), String.valueOf(lastId))) {
        for (int i = acked.get(acked.size() - 1) + 1; i < CHUNKS; i++) {
          int status = post(http, server.url("/push"), sent.get(i));
          assertThat(status).isEqualTo(200);
        }
        for (int i : acked) {
          assertThat(postJson(http, server.url("/push"), sent.get(i)).get("status").asText()).isEqualTo("duplicate");
        }
        List<Integer> chunks = new ArrayList<>();
        for (SseReader.Event e : before) if (e.name().equals("replay_chunk")) chunks.add(e.json().get("chunk_index").asInt());
        while (true) {
          SseReader.Event e = resumed.next(WAIT);
          assertThat(e.id()).isGreaterThan(lastId);
          assertThat(e.name()).isNotEqualTo("resync");
          if (e.name().equals("replay_end")) break;
          chunks.add(e.json().get("chunk_index").asInt());
          assertThat(e.json().get("frames")).isEqualTo(TestServer.parse(sent.get(chunks.get(chunks.size() - 1))).get("frames"));
        }
        Set<Integer> distinct = new TreeSet<>(chunks);
        assertThat(chunks).as("every chunk exactly once across the crash").hasSize(CHUNKS);
        assertThat(distinct).hasSize(CHUNKS);
        assertThat(Collections.max(distinct)).isEqualTo(CHUNKS - 1);
      }
      assertThat(json(http, server.url("/replays/crash")).get("complete").asBoolean()).isTrue();
    }
  }

  static String putWorld(OkHttpClient http, ServerProcess server) throws Exception {
    var w = dev.echelon.core.Json.mapper().createObjectNode();
    w.putArray("size").add(6).add(6).add(3);
    String hash = dev.echelon.core.WorldHash.of(w);
    try (Response r = http.newCall(new Request.Builder().url(server.url("/worlds/" + hash))
        .put(RequestBody.create(w.toString(), TestServer.JSON)).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
    return hash;
  }

  static int post(OkHttpClient http, String url, String body) {
    try (Response r = http.newCall(new Request.Builder().url(url).post(RequestBody.create(body, TestServer.JSON)).build())
        .execute()) {
      return r.code();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  static JsonNode postJson(OkHttpClient http, String url, String body) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(url).post(RequestBody.create(body, TestServer.JSON)).build())
        .execute()) {
      return TestServer.parse(r.body().string());
    }
  }

  static JsonNode json(OkHttpClient http, String url) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return TestServer.parse(r.body().string());
    }
  }
}
