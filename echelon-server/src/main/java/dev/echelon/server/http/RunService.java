package dev.echelon.server.http;

import dev.echelon.server.log.ReplayLog;
import dev.echelon.server.log.ReplaySummary;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /runs}: the training runs seen in the archive, for the viewer's run picker; {@code GET
 * /runs/{name}/progress}: one point per replay of a run, in training order, for plotting how the
 * run went and opening the episode behind any point.
 */
final class RunService implements HttpService {
  private final ReplayLog log;

  RunService(ReplayLog log) {
    this.log = log;
  }

  @Override public void routing(HttpRules rules) {
    rules.get("/", this::list).get("/{name}/progress", this::progress);
  }

  private record Run(String name, int replays, ReplaySummary latest) {}

  private void list(ServerRequest req, ServerResponse res) {
    Map<String, Run> runs = new HashMap<>();
    for (ReplaySummary r : log.catalog().all()) {
      if (r.runName() == null) continue;
      runs.merge(r.runName(), new Run(r.runName(), 1, r), (a, b) -> new Run(a.name(), a.replays() + 1,
          b.latest().updatedAt() > a.latest().updatedAt() ? b.latest() : a.latest()));
    }
    List<Run> sorted = new ArrayList<>(runs.values());
    sorted.sort(Comparator.comparingDouble((Run r) -> r.latest().updatedAt()).reversed().thenComparing(Run::name));
    Responses.json(req, res, ReplayService.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("runs");
      for (Run r : sorted) {
        g.writeStartObject();
        g.writeStringField("name", r.name());
        g.writeNumberField("replays", r.replays());
        g.writeNumberField("last_activity", r.latest().updatedAt());
        g.writeStringField("latest_replay", r.latest().replayId());
        ReplayJson.raw(g, "run", r.latest().run());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }));
  }

  private void progress(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("name");
    if (name.isEmpty() || name.length() > 256) {
      throw dev.echelon.server.base.ApiException.badRequest("run name must be 1..256 characters, got " + name.length());
    }
    List<ReplaySummary> points = new ArrayList<>();
    for (ReplaySummary r : log.catalog().all()) if (name.equals(r.runName())) points.add(r);
    if (points.isEmpty()) {
      throw dev.echelon.server.base.ApiException.notFound("no replay of run " + name + " is in the archive (GET /runs"
          + " lists the runs)");
    }
    points.sort(Comparator.comparing((ReplaySummary r) -> r.training().update(), Comparator.nullsLast(Comparator
        .<Long>naturalOrder())).thenComparingDouble(ReplaySummary::startedAt).thenComparing(ReplaySummary::replayId));
    double now = ReplayJson.now();
    Responses.json(req, res, ReplayService.write(g -> {
      g.writeStartObject();
      g.writeStringField("run", name);
      g.writeArrayFieldStart("points");
      for (ReplaySummary r : points) {
        g.writeStartObject();
        g.writeStringField("replay_id", r.replayId());
        ReplayJson.trainingFields(g, r.training());
        g.writeNumberField("frames", r.frames());
        g.writeBooleanField("complete", r.complete());
        ReplayJson.pointOutcome(g, r);
        g.writeBooleanField("live", r.receiving(now));
        g.writeNumberField("started_at", r.startedAt());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }));
  }
}
