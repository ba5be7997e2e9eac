package dev.echelon.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Chunk;
import dev.echelon.core.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/** {@code /replays}: the archive, newest first, for the viewer's library and for scripts. */
final class ReplayService implements HttpService {
  private final ReplayArchive archive;
  private final ReplayHub hub;

  ReplayService(ReplayArchive archive, ReplayHub hub) {
    this.archive = archive;
    this.hub = hub;
  }

  @Override public void routing(HttpRules rules) {
    rules.get("/", this::list).get("/{id}", this::one).get("/{id}/chunks/{index}", this::chunk);
  }

  private void list(ServerRequest req, ServerResponse res) {
    int limit = intParam(req, "limit", 50, 1, 1000);
    double before = req.query().first("before").map(v -> number("before", v)).orElse(Double.POSITIVE_INFINITY);
    ObjectNode body = hub.locked(() -> {
      List<ArchivedReplay> page = archive.list(limit, before);
      ObjectNode n = Json.mapper().createObjectNode();
      ArrayNode items = n.putArray("replays");
      for (ArchivedReplay r : page) items.add(r.summary(archive.receiving(r)));
      if (page.size() == limit) n.put("next_before", page.get(page.size() - 1).startedAt);
      else n.putNull("next_before");
      n.put("total", archive.size());
      return n;
    });
    Responses.json(req, res, body);
  }

  private void one(ServerRequest req, ServerResponse res) {
    String id = id(req);
    ObjectNode body = hub.locked(() -> {
      ArchivedReplay r = archive.find(id);
      if (r == null) return null;
      ObjectNode n = r.summary(archive.receiving(r));
      ArrayNode rec = n.putArray("received");
      r.received.stream().forEach(rec::add);
      return n;
    });
    if (body == null) throw ApiException.notFound("replay " + id + " is not in the archive");
    Responses.json(req, res, body);
  }

  private void chunk(ServerRequest req, ServerResponse res) {
    String id = id(req);
    int index = (int) number("chunk index", req.path().pathParameters().get("index"));
    ArchivedReplay r = hub.locked(() -> {
      ArchivedReplay a = archive.find(id);
      return a != null && a.received.get(Math.max(0, index)) ? a : null;
    });
    if (r == null || index < 0) throw ApiException.notFound("replay " + id + " has no stored chunk " + index);
    byte[] data = archive.readChunk(r, index)
        .orElseThrow(() -> ApiException.notFound("chunk " + index + " of replay " + id + " is damaged on disk"));
    Responses.json(req, res, data);
  }

  private static String id(ServerRequest req) {
    String id = req.path().pathParameters().get("id");
    if (!Chunk.isValidReplayId(id)) {
      throw ApiException.badRequest("replay id must be 1..64 of [A-Za-z0-9_-], got \"" + id + "\"");
    }
    return id;
  }

  private static int intParam(ServerRequest req, String name, int dflt, int min, int max) {
    String v = req.query().first(name).orElse(null);
    if (v == null) return dflt;
    double d = number(name, v);
    if (d != Math.rint(d) || d < min || d > max) {
      throw ApiException.badRequest(name + " must be an integer in " + min + ".." + max + ", got " + v);
    }
    return (int) d;
  }

  private static double number(String name, String v) {
    try {
      double d = Double.parseDouble(v);
      if (!Double.isFinite(d)) throw new NumberFormatException();
      return d;
    } catch (NumberFormatException | NullPointerException e) {
      throw ApiException.badRequest(name + " must be a number, got \"" + v + "\"");
    }
  }
}
