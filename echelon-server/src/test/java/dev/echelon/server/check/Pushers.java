package dev.echelon.server.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import dev.echelon.core.WorldHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Trainers: a few threads pushing chunks as the SDK does (the world made sure of first, unknown
 * answers and 5xx retried), each attempt recorded with its answer. Chunk contents follow from
 * (replay, index) alone, so the checker knows the exact bytes every acknowledged chunk must read back as.
 */
final class Pushers implements AutoCloseable {
  static final MediaType JSON = MediaType.get("application/json");

  private final Target target;
  private final History history;
  final OkHttpClient http = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(2))
      .readTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).retryOnConnectionFailure(false).build();
  private final ExecutorService pool = Executors.newFixedThreadPool(3, r -> Thread.ofPlatform().daemon()
      .name("check-pusher").unstarted(r));
  private final List<Future<?>> inFlight = new ArrayList<>();
  final String[] worlds = new String[Workload.WORLDS];
  final String[] worldJson = new String[Workload.WORLDS];

  Pushers(Target target, History history) {
    this.target = target;
    this.history = history;
    for (int w = 0; w < Workload.WORLDS; w++) {
      worldJson[w] = "{\"size\":[6,6,3],\"name\":\"world " + w + "\"}";
      try {
        worlds[w] = WorldHash.of(Json.mapper().readTree(worldJson[w]));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * The frames of a chunk: one to three, padded to between a few bytes and a few KB, frame f at
   * {@code t = 10 * index + f}, each with zero to two kill events (what the replay's outcome counts).
   */
  static String frames(String replay, int index) {
    int h = (replay + "#" + index).hashCode() & 0x7fffffff;
    StringBuilder b = new StringBuilder("[");
    for (int f = 0; f < 1 + h % 3; f++) {
      if (f > 0) b.append(',');
      b.append("{\"t\":").append(index * 10 + f).append(",\"r\":\"").append(replay).append("\",\"events\":[");
      for (int k = 0; k < killsIn(h, f); k++) {
        b.append(k == 0 ? "" : ",").append("{\"type\":\"kill\",\"shooter\":\"m").append(k).append("\",\"target\":\"m")
            .append(k + 1).append("\"}");
      }
      b.append("],\"pad\":\"").append("x".repeat(10 + (h >>> 3) % 2500)).append("\"}");
    }
    return b.append(']').toString();
  }

  private static int killsIn(int h, int frame) {
    return ((h >>> 12) + frame) % 3;
  }

  /** Kill events in a chunk's frames. */
  static int kills(String replay, int index) {
    int h = (replay + "#" + index).hashCode() & 0x7fffffff;
    int n = 0;
    for (int f = 0; f < 1 + h % 3; f++) n += killsIn(h, f);
    return n;
  }

  /** The replay's duration as its outcome must say with these chunks stored: last frame's t minus the first's. */
  static double duration(String replay, java.util.Set<Integer> chunks) {
    int lo = java.util.Collections.min(chunks);
    int hi = java.util.Collections.max(chunks);
    return hi * 10 + frameCount(replay, hi) - 1 - lo * 10;
  }

  static int frameCount(String replay, int index) {
    return 1 + ((replay + "#" + index).hashCode() & 0x7fffffff) % 3;
  }

  /** The {@code replay_chunk} payload the server must give back, byte for byte. */
  static byte[] payload(String replay, int index) {
    return ("{\"replay_id\":\"" + replay + "\",\"chunk_index\":" + index + ",\"frames\":" + frames(replay, index) + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  String body(String replay, int index, Integer count, boolean last) {
    StringBuilder b = new StringBuilder("{\"replay_id\":\"").append(replay).append("\",\"world_ref\":\"")
        .append(worlds[Workload.worldOf(replay)]).append("\",\"chunk_index\":").append(index)
        .append(",\"chunk_count\":").append(count);
    if (last) b.append(",\"final\":true");
    b.append(",\"frames\":").append(frames(replay, index));
    if (index == 0) {
      b.append(",\"meta\":{\"episode\":").append((replay.hashCode() & 0x7fffffff) % 1000).append('}');
      String run = Workload.runOf(replay);
      if (run != null) b.append(",\"run\":{\"name\":\"").append(run).append("\"}");
    }
    return b.append('}').toString();
  }

  /** Pushes on a pusher thread; {@link #settle} waits for it. */
  void submit(int step, String replay, int index, Integer count, boolean last, int retries) {
    history.payloads.put(History.key(replay, index), payload(replay, index));
    synchronized (inFlight) {
      inFlight.add(pool.submit(() -> {
        for (int attempt = 0; attempt <= retries; attempt++) {
          History.Push p = push(step, target::url, replay, index, count, last);
          if (p.status() == 400 && p.detail() != null && p.detail().contains("unknown world_ref")) {
            putWorld(target::url, Workload.worldOf(replay)); // the server lost it (a NATS store wiped): upload it again
            continue;
          }
          if (p.outcome() != History.Outcome.UNKNOWN && p.outcome() != History.Outcome.FAILED) return;
        }
      }));
    }
  }

  void settle() {
    List<Future<?>> all;
    synchronized (inFlight) {
      all = new ArrayList<>(inFlight);
      inFlight.clear();
    }
    for (Future<?> f : all) {
      try {
        f.get();
      } catch (Exception e) {
        history.immediate.add("HARNESS the workload failed: " + e + HistoryCheck.where(e.getCause() != null ? e.getCause() : e));
      }
    }
  }

  /** One attempt, recorded. */
  History.Push push(int step, java.util.function.Function<String, String> server, String replay, int index,
      Integer count, boolean last) {
    history.payloads.put(History.key(replay, index), payload(replay, index));
    int generation = target.generation();
    long t0 = target.clockMillis();
    if (index == 0 || history.pushes.stream().noneMatch(p -> p.replay().equals(replay) && p.acknowledged())) {
      ensureWorld(server, Workload.worldOf(replay));
    }
    History.Push p;
    Request req = new Request.Builder().url(server.apply("/push"))
        .post(RequestBody.create(body(replay, index, count, last), JSON)).build();
    try (Response r = http.newCall(req).execute()) {
      String text = r.body().string();
      int code = r.code();
      History.Outcome outcome;
      long id = 0;
      String detail = null;
      if (code == 200) {
        JsonNode n = Json.mapper().readTree(text);
        outcome = n.path("status").asText().equals("duplicate") ? History.Outcome.DUPLICATE : History.Outcome.STORED;
        id = n.path("event_id").asLong();
      } else {
        outcome = code >= 500 ? History.Outcome.FAILED : History.Outcome.REFUSED;
        detail = text.length() > 200 ? text.substring(0, 200) : text;
      }
      // a restart during the attempt leaves open which server answered it
      int answeredBy = target.generation() == generation ? generation : History.Push.UNKNOWN_GENERATION;
      p = new History.Push(step, replay, index, count, last, answeredBy, t0, target.clockMillis(), outcome, code, id,
          detail);
    } catch (IOException e) {
      p = new History.Push(step, replay, index, count, last, generation, t0, target.clockMillis(),
          History.Outcome.UNKNOWN, 0, 0, e.toString());
    }
    history.pushes.add(p);
    return p;
  }

  /** As the SDK does: HEAD the world, PUT it when the server says it is not stored. */
  void ensureWorld(java.util.function.Function<String, String> server, int w) {
    try (Response head = http.newCall(new Request.Builder().url(server.apply("/worlds/" + worlds[w])).head().build())
        .execute()) {
      if (head.code() == 200) return;
    } catch (IOException e) {
      return; // the push will tell
    }
    putWorld(server, w);
  }

  int putWorld(java.util.function.Function<String, String> server, int w) {
    try (Response put = http.newCall(new Request.Builder().url(server.apply("/worlds/" + worlds[w]))
        .put(RequestBody.create(worldJson[w], JSON)).build()).execute()) {
      return put.code();
    } catch (IOException e) {
      return 0;
    }
  }

  /** A GET's status and body, or status 0 when there was no answer. */
  record Answer(int status, byte[] body) {}

  Answer get(String url) {
    try (Response r = http.newCall(new Request.Builder().url(url).header("Accept-Encoding", "identity").build())
        .execute()) {
      return new Answer(r.code(), r.body().bytes());
    } catch (IOException e) {
      return new Answer(0, new byte[0]);
    }
  }

  int head(String url) {
    try (Response r = http.newCall(new Request.Builder().url(url).head().build()).execute()) {
      return r.code();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override public void close() {
    pool.shutdownNow();
    http.dispatcher().executorService().shutdownNow();
    http.connectionPool().evictAll();
  }
}
