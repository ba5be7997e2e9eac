package dev.echelon.server.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * Browsers: each viewer is a real SSE connection on a thread of its own, parsing the stream as an
 * EventSource does and recording every event. A viewer can stop reading (its socket buffers
 * fill), vanish (its socket closes without a word) and reconnect with the last id it got.
 */
final class Viewers implements AutoCloseable {
  private final Target target;
  private final History history;
  private final long stallMillis;
  private final OkHttpClient http = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(2))
      .readTimeout(Duration.ZERO).retryOnConnectionFailure(false).build();
  private final Map<Integer, Live> viewers = new ConcurrentHashMap<>();
  private final AtomicInteger serials = new AtomicInteger();
  /** Connections asked for and not yet over: what the server's viewer cap is measured against. */
  final AtomicInteger live = new AtomicInteger();

  /** A viewer's current connection. */
  private final class Live {
    final History.Connection c;
    final Call call;
    final CountDownLatch started = new CountDownLatch(1);
    final Object pause = new Object();
    volatile long resumedAtNanos;
    volatile boolean counted = true;

    Live(History.Connection c, Call call) {
      this.c = c;
      this.call = call;
    }

    void uncount() {
      synchronized (this) {
        if (!counted) return;
        counted = false;
      }
      live.decrementAndGet();
    }
  }

  Viewers(Target target, History history, long stallMillis) {
    this.target = target;
    this.history = history;
    this.stallMillis = stallMillis;
  }

  /** Opens a connection; {@code afterId} is the Last-Event-ID to resume after, or null for a fresh join. */
  History.Connection connect(int viewer, String run, String replay, boolean gzip, Long afterId) {
    Live old = viewers.get(viewer);
    if (old != null) vanish(viewer);
    History.Connection c = new History.Connection(viewer, serials.incrementAndGet(), run, replay, gzip, afterId,
        target.generation(), target.clockMillis());
    HttpUrl.Builder url = HttpUrl.get(target.url("/events")).newBuilder();
    if (run != null) url.addQueryParameter("run", run);
    if (replay != null) url.addQueryParameter("replay", replay);
    Request.Builder req = new Request.Builder().url(url.build()).header("Accept", "text/event-stream");
    if (!gzip) req.header("Accept-Encoding", "identity");
    if (afterId != null) req.header("Last-Event-ID", String.valueOf(afterId));
    live.incrementAndGet();
    Live l = new Live(c, http.newCall(req.build()));
    viewers.put(viewer, l);
    history.connections.add(c);
    Thread.ofPlatform().daemon().name("check-viewer-" + viewer).start(() -> read(l));
    return c;
  }

  /** The id of the last event the viewer received on any of its connections, or null. */
  Long lastId(int viewer) {
    Long last = null;
    for (History.Connection c : history.connections) {
      if (c.viewer != viewer || c.events.isEmpty()) continue;
      long id = c.events.get(c.events.size() - 1).id();
      if (last == null || id > last) last = id;
    }
    return last;
  }

  /** A viewer that vanished connects again as it was, resuming after the last event it got. */
  void comeBack(int viewer) {
    if (viewers.containsKey(viewer)) return;
    History.Connection was = null;
    for (History.Connection c : history.connections) if (c.viewer == viewer) was = c;
    if (was != null) connect(viewer, was.run, was.replay, was.gzip, lastId(viewer));
  }

  void reconnect(int viewer) {
    Live l = viewers.get(viewer);
    if (l == null) return;
    connect(viewer, l.c.run, l.c.replay, l.c.gzip, lastId(viewer));
  }

  void pause(int viewer, boolean paused) {
    Live l = viewers.get(viewer);
    if (l == null) return;
    synchronized (l.pause) {
      l.c.paused = paused;
      if (!paused) l.resumedAtNanos = System.nanoTime();
      l.pause.notifyAll();
    }
  }

  void vanish(int viewer) {
    Live l = viewers.remove(viewer);
    if (l == null) return;
    l.c.closedByClient = true;
    l.uncount();
    l.call.cancel();
    pause(viewer, false);
    synchronized (l.pause) {
      l.pause.notifyAll();
    }
  }

  void vanishAll() {
    for (Integer v : viewers.keySet()) vanish(v);
  }

  /** Waits until the connection's response began (or it ended). */
  boolean awaitStarted(int viewer, Duration timeout) throws InterruptedException {
    Live l = viewers.get(viewer);
    return l == null || l.started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void read(Live l) {
    History.Connection c = l.c;
    try (Response r = l.call.execute()) {
      l.started.countDown();
      if (r.code() != 200) {
        c.endCause = "status " + r.code();
        return;
      }
      BufferedSource in = r.body().source();
      long id = -1;
      String name = null;
      String data = null;
      String line;
      while (true) {
        synchronized (l.pause) {
          while (c.paused && !c.closedByClient) l.pause.wait();
        }
        if (c.closedByClient || (line = in.readUtf8Line()) == null) break;
        if (line.isEmpty()) {
          if (data != null && name != null) c.events.add(event(id, name, data, target.clockMillis()));
          name = null;
          data = null;
        } else if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        } else if (line.startsWith(": closed: ") && !c.closedByClient) { // a vanished viewer is fair game
          c.liveWhenClosed = live.get(); // counted now: a later vanish must not make the eviction look wrong
          c.serverReason = line.substring(10);
        }
      }
      c.endCause = c.closedByClient ? "closed by the viewer"
          : "the server ended the stream" + (c.serverReason == null ? "" : " (" + c.serverReason + ")");
    } catch (IOException | InterruptedException e) {
      c.endCause = c.closedByClient ? "closed by the viewer" : "the connection failed: " + e;
    } finally {
      l.started.countDown();
      if (!c.closedByClient) {
        c.liveConnectionsAtEnd = live.get();
        long sinceResume = (System.nanoTime() - l.resumedAtNanos) / 1_000_000;
        c.endedWhileServerUp = c.generation == target.generation() && !c.paused && sinceResume > stallMillis + 500
            && !history.disturbed();
      }
      c.ended = true;
      l.uncount();
    }
  }

  private static History.Event event(long id, String name, String data, long at) {
    String replay = null;
    int index = -1;
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    try {
      if (!name.equals("replay_start")) {
        JsonNode n = Json.mapper().readTree(bytes);
        replay = n.path("replay_id").isTextual() ? n.get("replay_id").asText() : n.path("latest").asText(null);
        if (name.equals("replay_chunk")) index = n.path("chunk_index").asInt(-1);
        if (name.equals("resync")) return new History.Event(id, name, replay, -1, null, n.path("reason").asText(), at);
      } else {
        int field = data.indexOf("\"replay_id\":\"");
        replay = field < 0 ? null : data.substring(field + 13, data.indexOf('"', field + 13));
      }
    } catch (IOException e) {
      replay = "(not JSON)";
    }
    return new History.Event(id, name, replay, index, name.equals("replay_chunk") ? bytes : null, null, at);
  }

  @Override public void close() {
    vanishAll();
    http.dispatcher().executorService().shutdownNow();
    http.connectionPool().evictAll();
  }
}
