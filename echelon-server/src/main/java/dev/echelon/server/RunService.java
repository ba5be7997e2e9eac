package dev.echelon.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/** {@code GET /runs}: the training runs seen in the archive, for the viewer's run picker. */
final class RunService implements HttpService {
  private final ReplayArchive archive;
  private final ReplayHub hub;

  RunService(ReplayArchive archive, ReplayHub hub) {
    this.archive = archive;
    this.hub = hub;
  }

  @Override public void routing(HttpRules rules) {
    rules.get("/", this::list);
  }

  private void list(ServerRequest req, ServerResponse res) {
    ObjectNode body = hub.locked(() -> {
      Map<String, ObjectNode> runs = new TreeMap<>();
      for (ArchivedReplay r : archive.all()) {
        String name = r.runName();
        if (name == null) continue;
        ObjectNode n = runs.computeIfAbsent(name, k -> Json.mapper().createObjectNode().put("name", k).put("replays", 0)
            .put("last_activity", 0.0));
        n.put("replays", n.get("replays").asInt() + 1);
        if (r.updatedAt >= n.get("last_activity").asDouble()) {
          n.put("last_activity", r.updatedAt).put("latest_replay", r.id);
          n.set("run", r.run);
        }
      }
      ObjectNode out = Json.mapper().createObjectNode();
      ArrayNode list = out.putArray("runs");
      runs.values().stream().sorted(Comparator.comparingDouble((ObjectNode n) -> n.get("last_activity").asDouble()).reversed())
          .forEach(list::add);
      return out;
    });
    Responses.json(req, res, body);
  }
}
