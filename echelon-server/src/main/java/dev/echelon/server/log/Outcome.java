package dev.echelon.server.log;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a replay's match went, folded from its chunks' {@link ChunkTally tallies} in chunk order: the
 * first chunk that decided the match decides it, the highest chunk gives the final standing, and
 * per-mech counts add up. An immutable value (each fold makes a new one); per-mech figures are held
 * in parallel arrays, so 20,000 listed replays of 40 mechs cost tens of MB, not hundreds.
 */
public final class Outcome {
  /** A replay none of whose chunks said anything about its match yet. */
  public static final Outcome NONE = new Outcome(-1, Double.NaN, -1, -1, Double.NaN, -1, -1, null, -1, null,
      new String[0], new String[0], new int[0], new int[0], new double[0], new double[0], new double[0], new double[0]);

  /**
   * One team's totals.
   *
   * @param kills kills its mechs shot
   * @param deaths deaths of its mechs
   * @param alive its mechs alive in the final standing, or -1 when unknown
   * @param damage damage its mechs dealt
   * @param reward the sum of its mechs' rewards (the team's return), or NaN when no frame carried one
   */
  public record Team(int kills, int deaths, int alive, double damage, double reward) {}

  private final int lowIndex;
  private final double firstT;
  private final long firstTick;
  private final int highIndex;
  private final double lastT;
  private final long lastTick;
  private final int endIndex;
  private final ChunkTally.End end;
  private final int decisionIndex;
  private final ChunkTally.Decision decision;
  private final String[] mechIds;
  private final String[] teams;
  private final int[] kills;
  private final int[] deaths;
  private final double[] dealt;
  private final double[] taken;
  private final double[] zone;
  private final double[] reward;
  private final int totalKills;
  /** Made on first use (an immutable map: a racing second one is equal). */
  private volatile Map<String, Team> teamTotals;

  private Outcome(int lowIndex, double firstT, long firstTick, int highIndex, double lastT, long lastTick, int endIndex,
      ChunkTally.End end, int decisionIndex, ChunkTally.Decision decision, String[] mechIds, String[] teams,
      int[] kills, int[] deaths, double[] dealt, double[] taken, double[] zone, double[] reward) {
    this.lowIndex = lowIndex;
    this.firstT = firstT;
    this.firstTick = firstTick;
    this.highIndex = highIndex;
    this.lastT = lastT;
    this.lastTick = lastTick;
    this.endIndex = endIndex;
    this.end = end;
    this.decisionIndex = decisionIndex;
    this.decision = decision;
    this.mechIds = mechIds;
    this.teams = teams;
    this.kills = kills;
    this.deaths = deaths;
    this.dealt = dealt;
    this.taken = taken;
    this.zone = zone;
    this.reward = reward;
    int n = 0;
    for (int k : kills) n += k;
    this.totalKills = n;
  }

  /** This outcome with chunk {@code index}'s tally folded in; each chunk index is folded once. */
  public Outcome plus(int index, ChunkTally t) {
    if (t == null || t == ChunkTally.EMPTY) return this;
    Outcome o = standing(index, t);
    String[] ids = mechIds;
    String[] tm = teams.clone();
    int[] k = kills.clone();
    int[] de = deaths.clone();
    double[] dl = dealt.clone();
    double[] tk = taken.clone();
    double[] z = zone.clone();
    double[] r = reward.clone();
    for (var entry : t.mechs().entrySet()) {
      int i = Arrays.asList(ids).indexOf(entry.getKey());
      if (i < 0) {
        i = ids.length;
        int n = i + 1;
        ids = Arrays.copyOf(ids, n);
        ids[i] = entry.getKey().intern(); // the same few mech names recur in every replay
        tm = Arrays.copyOf(tm, n);
        k = Arrays.copyOf(k, n);
        de = Arrays.copyOf(de, n);
        dl = Arrays.copyOf(dl, n);
        tk = Arrays.copyOf(tk, n);
        z = Arrays.copyOf(z, n);
        r = Arrays.copyOf(r, n);
        r[i] = Double.NaN;
      }
      ChunkTally.Mech m = entry.getValue();
      if (m.team() != null) tm[i] = m.team().intern();
      k[i] += m.kills();
      de[i] += m.deaths();
      dl[i] += m.dealt();
      tk[i] += m.taken();
      z[i] += m.zoneSeconds();
      if (!Double.isNaN(m.reward())) r[i] = (Double.isNaN(r[i]) ? 0 : r[i]) + m.reward();
    }
    return new Outcome(o.lowIndex, o.firstT, o.firstTick, o.highIndex, o.lastT, o.lastTick, o.endIndex, o.end,
        o.decisionIndex, o.decision, ids, tm, k, de, dl, tk, z, r);
  }

  /** Folds tallies by chunk index (chunks without a tally add nothing), making each array once. */
  public static Outcome of(Map<Integer, ChunkTally> byIndex) {
    Map<String, Integer> slots = new LinkedHashMap<>();
    for (ChunkTally t : byIndex.values()) for (String id : t.mechs().keySet()) slots.putIfAbsent(id, slots.size());
    int n = slots.size();
    String[] ids = slots.keySet().toArray(new String[0]);
    String[] tm = new String[n];
    int[] k = new int[n];
    int[] de = new int[n];
    double[] dl = new double[n];
    double[] tk = new double[n];
    double[] z = new double[n];
    double[] r = new double[n];
    Arrays.fill(r, Double.NaN);
    Outcome o = NONE;
    for (var e : new TreeMap<>(byIndex).entrySet()) {
      ChunkTally t = e.getValue();
      if (t == ChunkTally.EMPTY) continue;
      o = o.standing(e.getKey(), t); // times, decision and last standing; no arrays copied
      for (var m : t.mechs().entrySet()) {
        int i = slots.get(m.getKey());
        ChunkTally.Mech v = m.getValue();
        if (v.team() != null) tm[i] = v.team();
        k[i] += v.kills();
        de[i] += v.deaths();
        dl[i] += v.dealt();
        tk[i] += v.taken();
        z[i] += v.zoneSeconds();
        if (!Double.isNaN(v.reward())) r[i] = (Double.isNaN(r[i]) ? 0 : r[i]) + v.reward();
      }
    }
    return new Outcome(o.lowIndex, o.firstT, o.firstTick, o.highIndex, o.lastT, o.lastTick, o.endIndex, o.end,
        o.decisionIndex, o.decision, ids, tm, k, de, dl, tk, z, r);
  }

  /** This outcome's times, decision and standing with chunk {@code index}'s folded in; its mechs' figures unchanged. */
  private Outcome standing(int index, ChunkTally t) {
    int li = lowIndex;
    double ft = firstT;
    long fk = firstTick;
    if (!Double.isNaN(t.firstT()) && (li < 0 || index < li)) {
      li = index;
      ft = t.firstT();
      fk = t.firstTick();
    }
    int hi = highIndex;
    double lt = lastT;
    long lk = lastTick;
    if (!Double.isNaN(t.lastT()) && index > hi) {
      hi = index;
      lt = t.lastT();
      lk = t.lastTick();
    }
    int ei = endIndex;
    ChunkTally.End e = end;
    if (t.end() != null && index > ei) {
      ei = index;
      e = t.end();
    }
    int di = decisionIndex;
    ChunkTally.Decision d = decision;
    if (t.decision() != null && (di < 0 || index < di)) {
      di = index;
      d = t.decision();
    }
    return new Outcome(li, ft, fk, hi, lt, lk, ei, e, di, d, mechIds, teams, kills, deaths, dealt, taken, zone, reward);
  }

  /**
   * This outcome as stored in the header of the record that made it: how many chunks it folds, the
   * chunk indexes its times, standing and decision came from, then its figures as a tally.
   */
  public byte[] encode(int chunks) {
    byte[] figures = new ChunkTally(firstT, lastT, firstTick, lastTick, decision, end, mechs()).encode();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(20 + figures.length);
    b.putInt(chunks).putInt(lowIndex).putInt(highIndex).putInt(endIndex).putInt(decisionIndex).put(figures);
    return b.array();
  }

  /** What {@link #encode} stored, and how many chunks it folds. */
  public record Stored(int chunks, Outcome outcome) {}

  /** Reads what {@link #encode} wrote; null when the bytes are not an outcome. */
  public static Stored decode(byte[] bytes) {
    if (bytes == null || bytes.length < 21) return null;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    int chunks = b.getInt();
    int low = b.getInt();
    int high = b.getInt();
    int endAt = b.getInt();
    int decidedAt = b.getInt();
    final class Figures implements ChunkTally.Mechs {
      String[] ids = new String[0];
      String[] tm = ids;
      int[] k = new int[0];
      int[] de = k;
      double[] dl = new double[0];
      double[] tk = dl;
      double[] z = dl;
      double[] r = dl;

      @Override public void count(int n) {
        ids = new String[n];
        tm = new String[n];
        k = new int[n];
        de = new int[n];
        dl = new double[n];
        tk = new double[n];
        z = new double[n];
        r = new double[n];
      }

      @Override public void mech(int i, String id, ChunkTally.Mech m) {
        ids[i] = id;
        tm[i] = m.team();
        k[i] = m.kills();
        de[i] = m.deaths();
        dl[i] = m.dealt();
        tk[i] = m.taken();
        z[i] = m.zoneSeconds();
        r[i] = m.reward();
      }
    }
    Figures a = new Figures();
    ChunkTally t = ChunkTally.decode(bytes, 20, a); // the figures, straight into arrays
    if (t == ChunkTally.EMPTY || chunks < 0) return null;
    return new Stored(chunks, new Outcome(low, t.firstT(), t.firstTick(), high, t.lastT(), t.lastTick(), endAt, t.end(),
        decidedAt, t.decision(), a.ids, a.tm, a.k, a.de, a.dl, a.tk, a.z, a.r));
  }

  /** True when some chunk said something about the match. */
  public boolean known() {
    return lowIndex >= 0 || endIndex >= 0 || mechIds.length > 0;
  }

  /** The winning team, or null (a draw, a time-out, or not decided yet). */
  public String winner() {
    return decision == null ? null : decision.winner();
  }

  /**
   * What decided the match: {@code zone}, {@code elimination}, {@code time-out} (a complete replay
   * no frame decided), or {@code undecided} (still being pushed, or never finished).
   */
  public String rule(boolean complete) {
    if (decision != null) return decision.rule();
    return complete ? "time-out" : "undecided";
  }

  /** Seconds from the first frame to the deciding one, or NaN. */
  public double decidedAtSeconds() {
    return decision == null || Double.isNaN(firstT) ? Double.NaN : decision.t() - firstT;
  }

  /** Seconds from the first frame to the last, or NaN when frames carry no {@code t}. */
  public double durationSeconds() {
    return Double.isNaN(firstT) || Double.isNaN(lastT) ? Double.NaN : lastT - firstT;
  }

  /** Ticks from the first frame to the last, or -1. */
  public long ticks() {
    return firstTick < 0 || lastTick < 0 ? -1 : lastTick - firstTick;
  }

  /** The final standing's zone points, by team. */
  public Map<String, Double> zoneScore() {
    return end == null ? Map.of() : end.zoneScore();
  }

  /** The final standing's {@code zone_score_to_win}, or NaN. */
  public double zoneScoreToWin() {
    return end == null ? Double.NaN : end.toWin();
  }

  /** Kill events in the whole replay. */
  public int kills() {
    return totalKills;
  }

  /** Totals per team, by team name. */
  public Map<String, Team> teams() {
    Map<String, Team> t = teamTotals;
    if (t == null) teamTotals = t = java.util.Collections.unmodifiableMap(totals());
    return t;
  }

  private Map<String, Team> totals() {
    Map<String, int[]> counts = new TreeMap<>();
    Map<String, double[]> sums = new TreeMap<>();
    if (end != null) for (String t : end.alive().keySet()) counts.computeIfAbsent(t, x -> new int[2]);
    for (int i = 0; i < mechIds.length; i++) {
      if (teams[i] == null) continue;
      int[] c = counts.computeIfAbsent(teams[i], x -> new int[2]);
      c[0] += kills[i];
      c[1] += deaths[i];
      double[] s = sums.computeIfAbsent(teams[i], x -> new double[] {0, Double.NaN});
      s[0] += dealt[i];
      if (!Double.isNaN(reward[i])) s[1] = (Double.isNaN(s[1]) ? 0 : s[1]) + reward[i];
    }
    Map<String, Team> out = new LinkedHashMap<>();
    for (var e : counts.entrySet()) {
      double[] s = sums.getOrDefault(e.getKey(), new double[] {0, Double.NaN});
      Integer alive = end == null ? null : end.alive().get(e.getKey());
      out.put(e.getKey(), new Team(e.getValue()[0], e.getValue()[1], alive == null ? -1 : alive, s[0], s[1]));
    }
    return out;
  }

  /** Per-mech figures, by mech id. */
  public Map<String, ChunkTally.Mech> mechs() {
    Map<String, ChunkTally.Mech> out = new TreeMap<>();
    for (int i = 0; i < mechIds.length; i++) {
      out.put(mechIds[i], new ChunkTally.Mech(teams[i], kills[i], deaths[i], dealt[i], taken[i], zone[i], reward[i]));
    }
    return out;
  }
}
