package dev.echelon.server.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one chunk's frames say about its match, read once when the chunk is pushed: kills, hits and
 * rewards per mech, time in the zone, the first frame that decided the match, and the state of its
 * last frame. It is stored with the chunk (record header, message header), so a replay's
 * {@link Outcome} is folded from its chunks' tallies without reading a frame again.
 *
 * @param firstT {@code t} of the first frame, or NaN when none says
 * @param lastT {@code t} of the last frame, or NaN
 * @param firstTick {@code tick} of the first frame, or -1
 * @param lastTick {@code tick} of the last frame, or -1
 * @param decision the first frame in this chunk that decided the match, or null
 * @param end the state of the chunk's last frame that has an objective or mechs, or null
 * @param mechs what each mech did in this chunk, by mech id
 */
public record ChunkTally(double firstT, double lastT, long firstTick, long lastTick, Decision decision, End end,
    Map<String, Mech> mechs) {
  static final ChunkTally EMPTY = new ChunkTally(Double.NaN, Double.NaN, -1, -1, null, null, Map.of());
  private static final JsonFactory JSON = dev.echelon.core.Json.mapper().getFactory();

  /**
   * How a match was decided.
   *
   * @param winner the winning team, or null for a draw
   * @param rule {@code zone} (zone score reached {@code zone_score_to_win}) or {@code elimination}
   * @param t the deciding frame's {@code t}
   * @param tick its {@code tick}, or -1
   */
  public record Decision(String winner, String rule, double t, long tick) {}

  /**
   * A frame's standing: zone scores, the score to win, and mechs alive per team.
   *
   * @param zoneScore points per team
   * @param toWin {@code zone_score_to_win}, or NaN
   * @param alive mechs alive per team
   */
  public record End(Map<String, Double> zoneScore, double toWin, Map<String, Integer> alive) {}

  /**
   * One mech's share of a chunk.
   *
   * @param team its team, or null when no frame named it
   * @param kills kill events it shot
   * @param deaths kill events it was the target of
   * @param dealt damage of its hits ({@code *_hit} events)
   * @param taken damage of hits on it
   * @param zoneSeconds decision steps it spent alive in the zone, in seconds
   * @param reward the sum of its {@code rl.reward} (or {@code reward}), or NaN when no frame carried one
   */
  public record Mech(String team, int kills, int deaths, double dealt, double taken, double zoneSeconds,
      double reward) {}

  /** Reads the frames array at {@code frames}; frames of another shape add nothing, they are never refused. */
  public static ChunkTally of(Payload.Slice frames) {
    try {
      Reading r = new Reading();
      for (FrameReader.Frame f : FrameReader.frames(frames)) r.frame(f);
      return r.result();
    } catch (RuntimeException e) {
      return EMPTY; // the push was validated already: a value of an unexpected kind only adds nothing
    }
  }

  /** The tally as compact JSON, as stored beside its chunk. */
  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (!Double.isNaN(firstT)) g.writeNumberField("t0", firstT);
      if (!Double.isNaN(lastT)) g.writeNumberField("t1", lastT);
      if (firstTick >= 0) g.writeNumberField("tick0", firstTick);
      if (lastTick >= 0) g.writeNumberField("tick1", lastTick);
      if (decision != null) {
        g.writeObjectFieldStart("decision");
        g.writeStringField("winner", decision.winner());
        g.writeStringField("rule", decision.rule());
        g.writeNumberField("t", decision.t());
        g.writeNumberField("tick", decision.tick());
        g.writeEndObject();
      }
      if (end != null) {
        g.writeObjectFieldStart("end");
        g.writeObjectFieldStart("zone_score");
        for (var e : end.zoneScore().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
        g.writeEndObject();
        if (!Double.isNaN(end.toWin())) g.writeNumberField("to_win", end.toWin());
        g.writeObjectFieldStart("alive");
        for (var e : end.alive().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeObjectFieldStart("mechs");
      for (var e : mechs.entrySet()) {
        Mech m = e.getValue();
        g.writeObjectFieldStart(e.getKey());
        if (m.team() != null) g.writeStringField("team", m.team());
        g.writeNumberField("kills", m.kills());
        g.writeNumberField("deaths", m.deaths());
        g.writeNumberField("dealt", m.dealt());
        g.writeNumberField("taken", m.taken());
        g.writeNumberField("zone_s", m.zoneSeconds());
        if (!Double.isNaN(m.reward())) g.writeNumberField("reward", m.reward());
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Reads what {@link #toJson} wrote; null for null, and EMPTY when the bytes are not a tally. */
  public static ChunkTally fromJson(byte[] json) {
    if (json == null) return null;
    try {
      var n = dev.echelon.core.Json.mapper().readTree(json);
      Decision d = null;
      var dn = n.get("decision");
      if (dn != null) {
        d = new Decision(dn.path("winner").isTextual() ? dn.get("winner").asText() : null, dn.path("rule").asText(),
            dn.path("t").asDouble(Double.NaN), dn.path("tick").asLong(-1));
      }
      End end = null;
      var en = n.get("end");
      if (en != null) {
        Map<String, Double> score = new TreeMap<>();
        en.path("zone_score").fields().forEachRemaining(f -> score.put(f.getKey(), f.getValue().asDouble()));
        Map<String, Integer> alive = new TreeMap<>();
        en.path("alive").fields().forEachRemaining(f -> alive.put(f.getKey(), f.getValue().asInt()));
        end = new End(score, en.path("to_win").asDouble(Double.NaN), alive);
      }
      Map<String, Mech> mechs = new LinkedHashMap<>();
      n.path("mechs").fields().forEachRemaining(f -> {
        var m = f.getValue();
        mechs.put(f.getKey(), new Mech(m.path("team").isTextual() ? m.get("team").asText() : null,
            m.path("kills").asInt(), m.path("deaths").asInt(), m.path("dealt").asDouble(), m.path("taken").asDouble(),
            m.path("zone_s").asDouble(), m.path("reward").asDouble(Double.NaN)));
      });
      return new ChunkTally(n.path("t0").asDouble(Double.NaN), n.path("t1").asDouble(Double.NaN),
          n.path("tick0").asLong(-1), n.path("tick1").asLong(-1), d, end, mechs);
    } catch (IOException | RuntimeException e) {
      return EMPTY;
    }
  }

  /** Folds frames into a tally, one at a time. */
  private static final class Reading {
    double firstT = Double.NaN;
    FrameReader.Frame lastWithT;
    long firstTick = -1;
    long lastTick = -1;
    Decision decision;
    FrameReader.Frame lastStanding;
    final Map<String, MechSums> mechs = new LinkedHashMap<>();
    double tBefore = Double.NaN;
    /** The first frame's mechs in the zone wait for the step length the second frame gives. */
    List<String> inZoneFirst;
    boolean first = true;

    void frame(FrameReader.Frame f) {
      if (!Double.isNaN(f.t)) {
        if (Double.isNaN(firstT)) firstT = f.exactT();
        lastWithT = f;
      }
      if (f.tick >= 0) {
        if (firstTick < 0) firstTick = f.tick;
        lastTick = f.tick;
      }
      for (FrameReader.MechState m : f.mechs) {
        MechSums s = mechs.computeIfAbsent(m.id, k -> new MechSums());
        if (m.team != null) s.team = m.team;
        if (!Double.isNaN(m.reward)) s.reward = (Double.isNaN(s.reward) ? 0 : s.reward) + m.reward;
      }
      for (FrameReader.Event e : f.events) {
        if ("kill".equals(e.type)) {
          if (e.shooter != null) mechs.computeIfAbsent(e.shooter, k -> new MechSums()).kills++;
          if (e.target != null) mechs.computeIfAbsent(e.target, k -> new MechSums()).deaths++;
        } else if (e.type != null && e.type.endsWith("_hit") && !Double.isNaN(e.damage)) {
          if (e.shooter != null) mechs.computeIfAbsent(e.shooter, k -> new MechSums()).dealt += e.damage;
          if (e.target != null) mechs.computeIfAbsent(e.target, k -> new MechSums()).taken += e.damage;
        }
      }
      List<String> inZone = f.inZone();
      if (first) {
        inZoneFirst = inZone;
      } else if (!Double.isNaN(f.t) && !Double.isNaN(tBefore) && f.t > tBefore) {
        double step = f.t - tBefore; // a frame is the state after a step: the step counts where it ended
        for (String id : inZone) mechs.get(id).zoneSeconds += step;
        if (inZoneFirst != null) for (String id : inZoneFirst) mechs.get(id).zoneSeconds += step;
        inZoneFirst = null;
      }
      tBefore = f.t;
      first = false;
      if (f.hasStanding()) {
        lastStanding = f;
        if (decision == null) decision = f.decision();
      }
    }

    ChunkTally result() {
      Map<String, Mech> out = new LinkedHashMap<>();
      for (var e : mechs.entrySet()) {
        MechSums s = e.getValue();
        out.put(e.getKey(), new Mech(s.team, s.kills, s.deaths, s.dealt, s.taken, s.zoneSeconds, s.reward));
      }
      return new ChunkTally(firstT, lastWithT == null ? Double.NaN : lastWithT.exactT(), firstTick, lastTick, decision,
          lastStanding == null ? null : lastStanding.standing(), out);
    }
  }

  private static final class MechSums {
    String team;
    int kills;
    int deaths;
    double dealt;
    double taken;
    double zoneSeconds;
    double reward = Double.NaN;
  }
}
