package dev.echelon.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.echelon.core.Json;
import dev.echelon.server.log.ChunkTally;
import dev.echelon.server.log.Outcome;
import dev.echelon.server.log.ReplaySummary;
import java.io.IOException;

/** How a replay's summary is written in {@code /replays} and {@code /runs} answers. */
final class ReplayJson {
  private ReplayJson() {}

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** Writes the summary's fields into the object the generator is in (its outcome without each mech's figures). */
  static void fields(JsonGenerator g, ReplaySummary r, double now) throws IOException {
    fields(g, r, now, false);
  }

  /** The same, with each mech's figures in the outcome when {@code mechs}. */
  static void fields(JsonGenerator g, ReplaySummary r, double now, boolean mechs) throws IOException {
    g.writeStringField("replay_id", r.replayId());
    g.writeStringField("world_ref", r.worldRef());
    if (r.chunkCount() == null) g.writeNullField("chunk_count");
    else g.writeNumberField("chunk_count", r.chunkCount());
    g.writeNumberField("chunks_received", r.chunksReceived());
    g.writeNumberField("frames", r.frames());
    g.writeNumberField("bytes", r.bytes());
    g.writeBooleanField("complete", r.complete());
    g.writeBooleanField("live", r.receiving(now));
    raw(g, "meta", r.meta());
    raw(g, "run", r.run());
    g.writeNumberField("started_at", r.startedAt());
    g.writeNumberField("updated_at", r.updatedAt());
    g.writeNumberField("first_event_id", r.firstEventId());
    g.writeNumberField("last_event_id", r.lastEventId());
    training(g, r.training());
    outcome(g, r, mechs);
  }

  /** The run object's training fields, read once: {@code "training": {update, global_step}}. */
  static void training(JsonGenerator g, ReplaySummary.Training t) throws IOException {
    g.writeObjectFieldStart("training");
    trainingFields(g, t);
    g.writeEndObject();
  }

  /** {@code update}, {@code global_step} and {@code eval} into the object the generator is in. */
  static void trainingFields(JsonGenerator g, ReplaySummary.Training t) throws IOException {
    if (t.update() == null) g.writeNullField("update");
    else g.writeNumberField("update", t.update());
    if (t.globalStep() == null) g.writeNullField("global_step");
    else g.writeNumberField("global_step", t.globalStep());
    g.writeFieldName("eval");
    if (t.eval() == null) g.writeNull();
    else g.writeRawValue(t.eval());
  }

  /**
   * {@code "outcome"}: winner, rule, duration, final zone points, kills and per-team totals; with
   * {@code mechs}, each mech's figures too (one replay's answer, not listings).
   */
  static void outcome(JsonGenerator g, ReplaySummary r, boolean mechs) throws IOException {
    Outcome o = openOutcome(g, r);
    if (o == null) return;
    number(g, "decided_at_s", o.decidedAtSeconds());
    number(g, "duration_s", o.durationSeconds());
    if (o.ticks() < 0) g.writeNullField("ticks");
    else g.writeNumberField("ticks", o.ticks());
    g.writeObjectFieldStart("zone_score");
    for (var e : o.zoneScore().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
    g.writeEndObject();
    number(g, "zone_score_to_win", o.zoneScoreToWin());
    g.writeNumberField("kills", o.kills());
    g.writeObjectFieldStart("teams");
    for (var e : o.teams().entrySet()) {
      Outcome.Team t = e.getValue();
      g.writeObjectFieldStart(e.getKey());
      g.writeNumberField("kills", t.kills());
      g.writeNumberField("deaths", t.deaths());
      if (t.alive() < 0) g.writeNullField("alive");
      else g.writeNumberField("alive", t.alive());
      g.writeNumberField("damage_dealt", t.damage());
      number(g, "return", t.reward());
      g.writeEndObject();
    }
    g.writeEndObject();
    if (mechs) {
      g.writeObjectFieldStart("mechs");
      for (var e : o.mechs().entrySet()) {
        ChunkTally.Mech m = e.getValue();
        g.writeObjectFieldStart(e.getKey());
        g.writeStringField("team", m.team());
        g.writeNumberField("kills", m.kills());
        g.writeNumberField("deaths", m.deaths());
        g.writeNumberField("damage_dealt", m.dealt());
        g.writeNumberField("damage_taken", m.taken());
        g.writeNumberField("zone_s", m.zoneSeconds());
        number(g, "return", m.reward());
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * A progress point's {@code "outcome"}: what a plot over thousands of replays needs, and no more —
   * winner, rule, duration, kills, the teams, and each team's return when frames carried rewards.
   */
  static void pointOutcome(JsonGenerator g, ReplaySummary r) throws IOException {
    Outcome o = openOutcome(g, r);
    if (o == null) return;
    number(g, "duration_s", o.durationSeconds());
    g.writeNumberField("kills", o.kills());
    g.writeArrayFieldStart("teams");
    for (String team : o.teams().keySet()) g.writeString(team);
    g.writeEndArray();
    boolean returns = false;
    for (Outcome.Team t : o.teams().values()) returns |= !Double.isNaN(t.reward());
    if (returns) {
      g.writeObjectFieldStart("return");
      for (var e : o.teams().entrySet()) number(g, e.getKey(), e.getValue().reward());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** Starts {@code "outcome"} with its winner and rule; writes null instead, and returns null, when there is none. */
  private static Outcome openOutcome(JsonGenerator g, ReplaySummary r) throws IOException {
    Outcome o = r.outcome();
    if (!o.known()) {
      g.writeNullField("outcome");
      return null;
    }
    g.writeObjectFieldStart("outcome");
    g.writeStringField("winner", o.winner());
    g.writeStringField("rule", o.rule(r.complete()));
    return o;
  }

  /** A number, or null for NaN (JSON has none). */
  private static void number(JsonGenerator g, String name, double v) throws IOException {
    if (Double.isNaN(v)) g.writeNullField(name);
    else g.writeNumberField(name, v);
  }

  /** A compact JSON value the log holds as bytes, written as it is. */
  static void raw(JsonGenerator g, String name, byte[] json) throws IOException {
    g.writeFieldName(name);
    if (json == null) g.writeNull();
    else g.writeRawValue(new String(json, java.nio.charset.StandardCharsets.UTF_8));
  }

  static JsonGenerator generator(java.io.OutputStream out) throws IOException {
    return Json.mapper().getFactory().createGenerator(out);
  }
}
