package dev.echelon.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.echelon.core.Chunk;
import dev.echelon.core.ChunkCodec;
import dev.echelon.core.Json;
import dev.echelon.core.PushResponse;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /push}: accept a chunk, apply the replay rules, and hand the events to the
 * broadcaster. Frames are never parsed into objects: their bytes go from the request to the
 * viewers' queues with one copy.
 */
final class PushService implements HttpService {
  private static final Logger LOG = System.getLogger(PushService.class.getName());

  private final WorldStore worlds;
  private final Broadcaster broadcaster;
  private final ReplayTracker tracker = new ReplayTracker();
  private final PushAuth auth;
  private final Metrics metrics;
  private final long maxDecodedBytes;

  PushService(WorldStore worlds, Broadcaster broadcaster, PushAuth auth, Metrics metrics, long maxDecodedBytes) {
    this.worlds = worlds;
    this.broadcaster = broadcaster;
    this.auth = auth;
    this.metrics = metrics;
    this.maxDecodedBytes = maxDecodedBytes;
  }

  @Override public void routing(HttpRules rules) {
    rules.post("/", this::push);
  }

  private void push(ServerRequest req, ServerResponse res) {
    auth.check(req);
    byte[] body = Responses.body(req, maxDecodedBytes);
    Chunk c = ChunkCodec.read(body);
    StoredWorld world = worlds.find(c.worldRef()).orElseThrow(() -> ApiException.badRequest(
        "unknown world_ref " + c.worldRef() + ": PUT /worlds/" + c.worldRef() + " before pushing chunks"));
    byte[] chunkEvent = chunkEvent(c);
    ReplayTracker.Result r;
    int notified;
    synchronized (tracker) {
      r = tracker.accept(c);
      if (r.outcome() == ReplayTracker.Outcome.DUPLICATE) {
        notified = 0;
      } else {
        if (r.started()) broadcaster.publish("replay_start", startEvent(c, world));
        notified = broadcaster.publish("replay_chunk", chunkEvent);
        if (r.ended()) broadcaster.publish("replay_end", endEvent(c));
      }
    }
    String total = r.total() == null ? "?" : String.valueOf(r.total());
    if (r.outcome() == ReplayTracker.Outcome.DUPLICATE) {
      metrics.duplicates.increment();
      LOG.log(Level.INFO, "push replay=" + c.replayId() + " chunk " + (c.chunkIndex() + 1) + "/" + total
          + " duplicate, ignored");
      Responses.json(res, new PushResponse(PushResponse.DUPLICATE, c.replayId(), c.chunkIndex(), 0));
      return;
    }
    metrics.chunksPushed.increment();
    metrics.bytesPushed.add(body.length);
    metrics.framesPushed.add(c.frameCount());
    if (r.started()) metrics.replaysStarted.increment();
    if (r.ended()) metrics.replaysCompleted.increment();
    LOG.log(Level.INFO, "push replay=" + c.replayId() + " chunk " + (c.chunkIndex() + 1) + "/" + total
        + " frames=" + c.frameCount() + " bytes=" + body.length + " viewers=" + notified
        + (r.ended() ? " (replay complete)" : ""));
    Responses.json(res, new PushResponse(PushResponse.OK, c.replayId(), c.chunkIndex(), notified));
  }

  static byte[] chunkEvent(Chunk c) {
    var out = new ByteArrayOutputStream(c.frames().size() + 96);
    try {
      out.write(("{\"replay_id\":\"" + c.replayId() + "\",\"chunk_index\":" + c.chunkIndex() + ",\"frames\":")
          .getBytes(StandardCharsets.US_ASCII));
      c.frames().writeTo(out);
      out.write('}');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] startEvent(Chunk c, StoredWorld world) {
    var out = new ByteArrayOutputStream(world.json().length + 512);
    try {
      out.write(("{\"replay_id\":\"" + c.replayId() + "\",\"world_ref\":\"" + c.worldRef()
          + "\",\"chunk_count\":" + c.knownTotal() + ",\"meta\":" + json(c.meta())
          + ",\"run\":" + json(c.run()) + ",\"world\":").getBytes(StandardCharsets.UTF_8));
      out.write(world.json());
      out.write('}');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] endEvent(Chunk c) {
    return ("{\"replay_id\":\"" + c.replayId() + "\"}").getBytes(StandardCharsets.US_ASCII);
  }

  private static String json(Object node) throws JsonProcessingException {
    return node == null ? "null" : Json.mapper().writeValueAsString(node);
  }
}
