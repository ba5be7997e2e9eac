package dev.echelon.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.echelon.core.Gzip;
import dev.echelon.core.Json;
import dev.echelon.core.WorldHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** A real server on an ephemeral port plus a real HTTP client, for IT classes. */
public final class TestServer implements AutoCloseable {
  public static final MediaType JSON = MediaType.get("application/json");

  public final EchelonServer server;
  public final OkHttpClient http = new OkHttpClient.Builder()
      .readTimeout(Duration.ofSeconds(30))
      .retryOnConnectionFailure(false)
      .build();

  public TestServer(ServerConfig config) {
    this.server = EchelonServer.start(config);
  }

  /** A server that tells time by {@code clock}, so a test can let time pass without waiting. */
  public TestServer(ServerConfig config, java.time.InstantSource clock) {
    this.server = EchelonServer.start(config, dev.echelon.server.log.Storage.disk(), clock);
  }

  public static TestServer start(Path runsDir) {
    return new TestServer(ServerConfig.forTesting(runsDir));
  }

  /** A server that drops a viewer whose connection takes nothing for {@code stall} (30 s by default). */
  public static TestServer stallingAfter(Path runsDir, Duration stall) {
    return new TestServer(ServerConfig.forTesting(runsDir).newBuilder().sse(16, Duration.ofSeconds(15), stall).build());
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  /** A plain answer: status and body text. */
  public record Answer(int status, String body) {
    public JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  public Answer send(Request request) {
    try (Response r = http.newCall(request).execute()) {
      return new Answer(r.code(), r.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Answer get(String path) {
    return send(new Request.Builder().url(url(path)).build());
  }

  public Answer head(String path) {
    return send(new Request.Builder().url(url(path)).head().build());
  }

  public Answer post(String path, String json) {
    return send(new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON)).build());
  }

  public Answer postGzip(String path, byte[] json) {
    return send(new Request.Builder().url(url(path)).header("Content-Encoding", "gzip")
        .post(RequestBody.create(gzip(json), JSON)).build());
  }

  public Answer putWorld(JsonNode world) {
    byte[] body = bytes(world);
    return send(new Request.Builder().url(url("/worlds/" + WorldHash.of(world)))
        .header("Content-Encoding", "gzip").put(RequestBody.create(gzip(body), JSON)).build());
  }

  /** Stores a small empty 6x6x3 world and returns its hash, for tests that need any world. */
  public String putSmallWorld() {
    var w = Json.mapper().createObjectNode();
    w.putArray("size").add(6).add(6).add(3);
    return putWorld(w).json().get("world_hash").asText();
  }

  /** Pushes frames as the Python trainer does: 100-frame chunks, meta on chunk 0. */
  public void pushReplay(String replayId, String worldRef, ArrayNode frames, int perChunk) {
    int n = (frames.size() + perChunk - 1) / perChunk;
    for (int i = 0; i < n; i++) {
      var chunk = Json.mapper().createObjectNode();
      chunk.put("replay_id", replayId).put("world_ref", worldRef).put("chunk_index", i).put("chunk_count", n);
      ArrayNode part = chunk.putArray("frames");
      for (int f = i * perChunk; f < Math.min(frames.size(), (i + 1) * perChunk); f++) part.add(frames.get(f));
      if (i == 0) chunk.putObject("meta").put("episode", 1);
      Answer a = post("/push", chunk.toString());
      if (a.status() != 200) throw new AssertionError("push failed: " + a);
    }
  }

  public static JsonNode fixture(String name) {
    try (InputStream in = TestServer.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) throw new IllegalStateException("missing fixture " + name);
      return Json.mapper().readTree(new GZIPInputStream(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode parse(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] gzip(byte[] data) {
    return Gzip.compress(data);
  }

  @Override public void close() {
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    try {
      http.dispatcher().executorService().awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
