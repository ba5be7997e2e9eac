package dev.echelon.server.log;

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

  private static final byte FORMAT = 1;

  /**
   * The tally as stored beside its chunk: a small binary record (format 1, big-endian) — times,
   * ticks, the decision, the last standing, then each mech's figures — read back by {@link #decode}
   * with no parser, since start-up reads one per stored chunk.
   */
  public byte[] encode() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64 + 48 * mechs.size());
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeDouble(firstT);
      out.writeDouble(lastT);
      out.writeLong(firstTick);
      out.writeLong(lastTick);
      out.writeBoolean(decision != null);
      if (decision != null) {
        text(out, decision.winner());
        text(out, decision.rule());
        out.writeDouble(decision.t());
        out.writeLong(decision.tick());
      }
      out.writeBoolean(end != null);
      if (end != null) {
        out.writeDouble(end.toWin());
        out.writeShort(end.zoneScore().size());
        for (var e : end.zoneScore().entrySet()) {
          text(out, e.getKey());
          out.writeDouble(e.getValue());
        }
        out.writeShort(end.alive().size());
        for (var e : end.alive().entrySet()) {
          text(out, e.getKey());
          out.writeInt(e.getValue());
        }
      }
      out.writeShort(mechs.size());
      for (var e : mechs.entrySet()) {
        Mech m = e.getValue();
        text(out, e.getKey());
        text(out, m.team());
        out.writeInt(m.kills());
        out.writeInt(m.deaths());
        out.writeDouble(m.dealt());
        out.writeDouble(m.taken());
        out.writeDouble(m.zoneSeconds());
        out.writeDouble(m.reward());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads what {@link #encode} wrote; null for null, and EMPTY when the bytes are not a tally. */
  public static ChunkTally decode(byte[] bytes) {
    if (bytes == null) return null;
    Map<String, Mech> mechs = new LinkedHashMap<>();
    ChunkTally t = decode(bytes, 0, new Mechs() {
      @Override public void count(int n) {}

      @Override public void mech(int i, String id, Mech m) {
        mechs.put(id, m);
      }
    });
    return t == EMPTY ? EMPTY : new ChunkTally(t.firstT, t.lastT, t.firstTick, t.lastTick, t.decision, t.end, mechs);
  }

  /** Where {@link #decode(byte[], int, Mechs)} puts each mech's figures. */
  interface Mechs {
    void count(int n);

    void mech(int i, String id, Mech m);
  }

  /**
   * Reads an encoded tally from {@code offset}, handing its mechs to {@code sink} one at a time;
   * returns it without mechs (EMPTY when the bytes are not a tally).
   */
  static ChunkTally decode(byte[] bytes, int offset, Mechs sink) {
    try {
      java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes, offset, bytes.length - offset);
      if (in.get() != FORMAT) return EMPTY;
      double t0 = in.getDouble();
      double t1 = in.getDouble();
      long tick0 = in.getLong();
      long tick1 = in.getLong();
      Decision d = in.get() != 0 ? new Decision(text(in), text(in), in.getDouble(), in.getLong()) : null;
      End end = null;
      if (in.get() != 0) {
        double toWin = in.getDouble();
        Map<String, Double> score = new TreeMap<>();
        for (int n = in.getShort(); n > 0; n--) score.put(text(in), in.getDouble());
        Map<String, Integer> alive = new TreeMap<>();
        for (int n = in.getShort(); n > 0; n--) alive.put(text(in), in.getInt());
        end = new End(score, toWin, alive);
      }
      int n = in.getShort();
      if (n < 0) return EMPTY;
      sink.count(n);
      for (int i = 0; i < n; i++) {
        sink.mech(i, text(in), new Mech(text(in), in.getInt(), in.getInt(), in.getDouble(), in.getDouble(),
            in.getDouble(), in.getDouble()));
      }
      return new ChunkTally(t0, t1, tick0, tick1, d, end, Map.of());
    } catch (RuntimeException e) {
      return EMPTY; // a header read without its checksum may hold anything: its chunk adds nothing
    }
  }

  /** A string as a length (-1 for null) and UTF-8 bytes; names are short. */
  private static void text(java.io.DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeShort(-1);
      return;
    }
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeShort(b.length);
    out.write(b);
  }

  /** Mech ids and team names recur in every chunk: start-up makes one String of each per thread. */
  private static final ThreadLocal<Names> NAMES = ThreadLocal.withInitial(() -> new Names(256));

  private static String text(java.nio.ByteBuffer in) {
    int n = in.getShort();
    if (n < 0) return null;
    int from = in.position();
    in.position(from + n);
    return NAMES.get().get(in.array(), from, from + n);
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
