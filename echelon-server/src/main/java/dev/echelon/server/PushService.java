package dev.echelon.server;

import dev.echelon.core.Chunk;
import dev.echelon.core.ChunkCodec;
import dev.echelon.core.PushResponse;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * {@code POST /push}: accept a chunk, apply the replay rules, and hand the events to the
 * broadcaster. Frames are never parsed into objects: their bytes go from the request to the
 * viewers' queues with one copy.
 */
final class PushService implements HttpService {
  private static final Logger LOG = System.getLogger(PushService.class.getName());

  private final WorldStore worlds;
  private final ReplayHub hub;
  private final PushAuth auth;
  private final Metrics metrics;
  private final BodyLimits limits;

  PushService(WorldStore worlds, ReplayHub hub, PushAuth auth, Metrics metrics, BodyLimits limits) {
    this.worlds = worlds;
    this.hub = hub;
    this.auth = auth;
    this.metrics = metrics;
    this.limits = limits;
  }

  @Override public void routing(HttpRules rules) {
    rules.post("/", this::push);
  }

  private void push(ServerRequest req, ServerResponse res) {
    auth.check(req);
    byte[] body = limits.read(req);
    Chunk c = ChunkCodec.read(body);
    StoredWorld world = worlds.find(c.worldRef()).orElseThrow(() -> ApiException.badRequest(
        "unknown world_ref " + c.worldRef() + ": PUT /worlds/" + c.worldRef() + " before pushing chunks"));
    ReplayHub.Pushed pushed = hub.push(c, world);
    ReplayTracker.Result r = pushed.result();
    int notified = pushed.notified();
    String total = r.total() == null ? "?" : String.valueOf(r.total());
    if (r.outcome() == ReplayTracker.Outcome.DUPLICATE) {
      metrics.duplicates.increment();
      LOG.log(Level.INFO, "push replay=" + c.replayId() + " chunk " + (c.chunkIndex() + 1) + "/" + total
          + " duplicate, ignored");
      Responses.json(req, res, new PushResponse(PushResponse.DUPLICATE, c.replayId(), c.chunkIndex(), 0));
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
    Responses.json(req, res, new PushResponse(PushResponse.OK, c.replayId(), c.chunkIndex(), notified));
  }
}
