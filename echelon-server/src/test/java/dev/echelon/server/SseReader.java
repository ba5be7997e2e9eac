package dev.echelon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;

/** A real SSE client on its own thread that parses the stream line by line, as a browser does. */
public final class SseReader implements AutoCloseable {
  /** One received event. */
  public record Event(long id, String name, String data) {
    public JsonNode json() {
      try {
        return Json.mapper().readTree(data);
      } catch (IOException e) {
        throw new AssertionError("event data is not JSON: " + data, e);
      }
    }
  }

  public final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  public final List<String> comments = new ArrayList<>();
  volatile int status;
  private final CountDownLatch connected = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();
  private final Call call;
  private final Thread thread;

  public SseReader(String url) {
    this(url, null);
  }

  public SseReader(String url, String lastEventId) {
    this(url, lastEventId, true);
  }

  /** With {@code gzip} false the stream is requested uncompressed (Accept-Encoding: identity). */
  public SseReader(String url, String lastEventId, boolean gzip) {
    Request.Builder req = new Request.Builder().url(url).header("Accept", "text/event-stream");
    if (!gzip) req.header("Accept-Encoding", "identity");
    if (lastEventId != null) req.header("Last-Event-ID", lastEventId);
    call = HTTP.newCall(req.build());
    thread = Thread.ofPlatform().daemon().name("sse-reader").start(this::run);
    try {
      if (!connected.await(10, TimeUnit.SECONDS)) throw new AssertionError("SSE connect timed out: " + url);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private void run() {
    try (Response response = call.execute()) {
      status = response.code();
      BufferedSource in = response.body().source();
      long id = -1;
      String name = "message";
      StringBuilder data = null;
      String line;
      while ((line = in.readUtf8Line()) != null) {
        if (line.isEmpty()) {
          if (data != null) events.add(new Event(id, name, data.toString()));
          name = "message";
          data = null;
        } else if (line.startsWith(":") || line.startsWith("retry:")) {
          synchronized (comments) {
            comments.add(line);
          }
          connected.countDown();
        } else if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          if (data != null) data.append('\n');
          else data = new StringBuilder();
          data.append(line, 6, line.length());
        }
      }
    } catch (IOException e) {
      // stream closed
    } finally {
      connected.countDown();
      ended.countDown();
    }
  }

  public Event next(Duration timeout) {
    try {
      Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) throw new AssertionError("no SSE event within " + timeout);
      return e;
    } catch (InterruptedException ex) {
      throw new AssertionError(ex);
    }
  }

  /** The frames of the next replay, which must start now and have the given id. */
  public com.fasterxml.jackson.databind.node.ArrayNode replayFrames(String replayId, Duration timeout) {
    Event start = next(timeout);
    if (!start.name().equals("replay_start") || !start.json().get("replay_id").asText().equals(replayId)) {
      throw new AssertionError("expected replay_start of " + replayId + ", got " + start.name() + " " + start.data());
    }
    return framesUntilEnd(timeout);
  }

  /**
   * The frames of the next replay's chunks up to its {@code replay_end}, failing unless the chunks
   * arrive in order from 0, each within {@code timeout}.
   */
  public com.fasterxml.jackson.databind.node.ArrayNode framesUntilEnd(Duration timeout) {
    var frames = Json.mapper().createArrayNode();
    int expected = 0;
    while (true) {
      Event e = next(timeout);
      if (e.name().equals("replay_end")) return frames;
      if (!e.name().equals("replay_chunk")) throw new AssertionError("expected replay_chunk, got " + e.name());
      int index = e.json().get("chunk_index").asInt();
      if (index != expected++) throw new AssertionError("expected chunk " + (expected - 1) + ", got " + index);
      frames.addAll((com.fasterxml.jackson.databind.node.ArrayNode) e.json().get("frames"));
    }
  }

  /** True when the server ended the stream within the timeout. */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int commentCount() {
    synchronized (comments) {
      return comments.size();
    }
  }

  @Override public void close() {
    call.cancel();
  }
}
