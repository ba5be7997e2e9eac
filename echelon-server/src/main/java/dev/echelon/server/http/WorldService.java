package dev.echelon.server.http;

import dev.echelon.core.WorldHash;
import dev.echelon.server.base.ApiException;
import dev.echelon.server.base.Metrics;
import dev.echelon.server.log.StoredWorld;
import dev.echelon.server.log.WorldStore;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;

/** {@code /worlds/{hash}}: store a world once, then refer to it by hash. */
final class WorldService implements HttpService {
  private static final Logger LOG = System.getLogger(WorldService.class.getName());

  private final WorldStore store;
  private final PushAuth auth;
  private final Metrics metrics;
  private final BodyLimits limits;

  WorldService(WorldStore store, PushAuth auth, Metrics metrics, BodyLimits limits) {
    this.store = store;
    this.auth = auth;
    this.metrics = metrics;
    this.limits = limits;
  }

  @Override public void routing(HttpRules rules) {
    rules.put("/{hash}", this::put)
        .head("/{hash}", this::head)
        .get("/{hash}", this::get);
  }

  private void put(ServerRequest req, ServerResponse res) {
    auth.check(req);
    String hash = hash(req);
    StoredWorld w;
    try (BodyLimits.Body body = limits.read(req)) {
      BodyLimits.requireUtf8(body.bytes());
      w = store.put(hash, body.bytes());
    }
    metrics.worldsStored.increment();
    LOG.log(Level.INFO, "world " + w.hash() + " stored (" + w.json().length + " bytes)");
    Responses.json(req, res, Map.of("status", "ok", "world_hash", w.hash()));
  }

  private void head(ServerRequest req, ServerResponse res) {
    String hash = req.path().pathParameters().get("hash");
    res.status(WorldHash.isValid(hash) && store.contains(hash) ? Status.OK_200 : Status.NOT_FOUND_404).send();
  }

  private void get(ServerRequest req, ServerResponse res) {
    String hash = hash(req);
    StoredWorld w = store.find(hash).orElseThrow(() -> ApiException.notFound("world " + hash + " is not stored"));
    Responses.json(req, res, w.json());
  }

  private static String hash(ServerRequest req) {
    String hash = req.path().pathParameters().get("hash");
    if (!WorldHash.isValid(hash)) {
      throw ApiException.badRequest("world hash must be 16 lowercase hex digits, got \"" + hash + "\"");
    }
    return hash;
  }
}
