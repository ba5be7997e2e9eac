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
    Figures f = new Figures(this);
    for (var m : t.mechs().entrySet()) f.add(f.slot(m.getKey()), m.getValue());
    return f.with(standing(index, t));
  }

  /** Folds tallies by chunk index (chunks without a tally add nothing), making each array once. */
  public static Outcome of(Map<Integer, ChunkTally> byIndex) {
    Figures f = new Figures(NONE);
    Outcome o = NONE;
    for (var e : new TreeMap<>(byIndex).entrySet()) {
      ChunkTally t = e.getValue();
      if (t == ChunkTally.EMPTY) continue;
      o = o.standing(e.getKey(), t); // times, decision and last standing; no arrays copied
      for (var m : t.mechs().entrySet()) f.add(f.slot(m.getKey()), m.getValue());
    }
    return f.with(o);
  }

  /** Per-mech figures while an outcome is being made: parallel arrays that grow by a mech at a time. */
  private static final class Figures implements ChunkTally.Mechs {
    String[] ids;
    String[] teams;
    int[] kills;
    int[] deaths;
    double[] dealt;
    double[] taken;
    double[] zone;
    double[] reward;

    /** Starting from {@code o}'s figures (copied: an outcome never changes). */
    Figures(Outcome o) {
      ids = o.mechIds;
      teams = o.teams.clone();
      kills = o.kills.clone();
      deaths = o.deaths.clone();
      dealt = o.dealt.clone();
      taken = o.taken.clone();
      zone = o.zone.clone();
      reward = o.reward.clone();
    }

    /** The mech's place, added (with no figures yet) when it is new. */
    int slot(String id) {
      int i = Arrays.asList(ids).indexOf(id);
      if (i >= 0) return i;
      count(ids.length + 1);
      ids[ids.length - 1] = id.intern(); // the same few mech names recur in every replay
      return ids.length - 1;
    }

    /** Grows (or sizes) every array to {@code n} mechs; a new mech has no reward yet. */
    @Override public void count(int n) {
      int was = ids.length;
      ids = Arrays.copyOf(ids, n);
      teams = Arrays.copyOf(teams, n);
      kills = Arrays.copyOf(kills, n);
      deaths = Arrays.copyOf(deaths, n);
      dealt = Arrays.copyOf(dealt, n);
      taken = Arrays.copyOf(taken, n);
      zone = Arrays.copyOf(zone, n);
      reward = Arrays.copyOf(reward, n);
      Arrays.fill(reward, was, n, Double.NaN);
    }

    /** Reading a stored outcome: mech {@code i} is {@code id}, with these figures. */
    @Override public void mech(int i, String id, ChunkTally.Mech m) {
      ids[i] = id;
      add(i, m);
    }

    void add(int i, ChunkTally.Mech m) {
      if (m.team() != null) teams[i] = m.team();
      kills[i] += m.kills();
      deaths[i] += m.deaths();
      dealt[i] += m.dealt();
      taken[i] += m.taken();
      zone[i] += m.zoneSeconds();
      if (!Double.isNaN(m.reward())) reward[i] = (Double.isNaN(reward[i]) ? 0 : reward[i]) + m.reward();
    }

    /** An outcome with {@code o}'s times, decision and standing, and these figures. */
    Outcome with(Outcome o) {
      return new Outcome(o.lowIndex, o.firstT, o.firstTick, o.highIndex, o.lastT, o.lastTick, o.endIndex, o.end,
          o.decisionIndex, o.decision, ids, teams, kills, deaths, dealt, taken, zone, reward);
    }
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
    Figures a = new Figures(NONE);
    ChunkTally t = ChunkTally.decode(bytes, 20, a); // the figures, straight into arrays
    if (t == ChunkTally.EMPTY || chunks < 0) return null;
    return new Stored(chunks, a.with(new Outcome(low, t.firstT(), t.firstTick(), high, t.lastT(), t.lastTick(), endAt,
        t.end(), decidedAt, t.decision(), NONE.mechIds, NONE.teams, NONE.kills, NONE.deaths, NONE.dealt, NONE.taken,
        NONE.zone, NONE.reward)));
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
