package dev.echelon.server.http;

import dev.echelon.server.base.ApiException;
import dev.echelon.core.PushResponse;
import dev.echelon.server.base.Metrics;
import dev.echelon.server.live.EventFormat;
import dev.echelon.server.live.Viewers;
import dev.echelon.server.log.Appended;
import dev.echelon.server.log.PushedChunk;
import dev.echelon.server.log.ReplayLog;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * {@code POST /push}: one scan of the body, a duplicate check before any other work, the chunk
 * payload made and deflated once, appended durably to the log, and only then the 200. Viewers are
 * not touched here: they read the log on their own threads.
 */
final class PushService implements HttpService {
  private static final Logger LOG = System.getLogger(PushService.class.getName());

  private final ReplayLog log;
  private final Viewers viewers;
  private final PushAuth auth;
  private final Metrics metrics;
  private final BodyLimits limits;
  private final int maxChunks;

  PushService(ReplayLog log, Viewers viewers, PushAuth auth, Metrics metrics, BodyLimits limits, int maxChunks) {
    this.log = log;
    this.viewers = viewers;
    this.auth = auth;
    this.metrics = metrics;
    this.limits = limits;
    this.maxChunks = maxChunks;
  }

  @Override public void routing(HttpRules rules) {
    rules.post("/", this::push);
  }

  private void push(ServerRequest req, ServerResponse res) {
    auth.check(req);
    try (BodyLimits.Body body = limits.read(req)) {
      PushedChunk c = PushParser.parse(body.bytes(), maxChunks);
      if (!log.worlds().contains(c.worldRef())) {
        throw ApiException.badRequest("unknown world_ref " + c.worldRef() + ": PUT /worlds/" + c.worldRef()
            + " before pushing chunks");
      }
      long t0 = System.nanoTime();
      Appended a = log.append(c, EventFormat::chunk);
      metrics.appendNanos.add(System.nanoTime() - t0);
      String total = a.total() == null ? "?" : String.valueOf(a.total());
      if (a.duplicate()) {
        metrics.duplicates.increment();
        LOG.log(Level.INFO, "push replay=" + c.replayId() + " chunk_index=" + c.chunkIndex() + " of " + total
            + " duplicate, ignored");
        Responses.json(req, res, new PushResponse(PushResponse.DUPLICATE, c.replayId(), c.chunkIndex(), 0, a.eventId()));
        return;
      }
      int notified = viewers.matching(a.replayId(), a.runName());
      metrics.chunksPushed.increment();
      metrics.bytesPushed.add(body.bytes().length);
      metrics.framesPushed.add(c.frameCount());
      if (a.started()) metrics.replaysStarted.increment();
      if (a.ended()) metrics.replaysCompleted.increment();
      LOG.log(Level.INFO, "push replay=" + c.replayId() + " chunk_index=" + c.chunkIndex() + " of " + total
          + " frames=" + c.frameCount() + " bytes=" + body.bytes().length + " viewers=" + notified
          + (a.ended() ? " (replay complete)" : ""));
      Responses.json(req, res, new PushResponse(PushResponse.OK, c.replayId(), c.chunkIndex(), notified, a.eventId()));
    }
  }
}
