package dev.echelon.server.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the few fields of simulator frames that a {@link ChunkTally} counts — {@code t}, {@code
 * tick}, the objective, each mech's team, life, position and reward, each event's type, shooter,
 * target and damage — straight from the pushed bytes, skipping the rest (velocities, heat, smoke)
 * without making tokens. The push was validated as JSON already, so skipping only has to find
 * where each value ends: about a quarter of what a tokenizer costs on the simulator's frames.
 */
final class FrameReader {
  private static final byte[] T = ascii("t");
  private static final byte[] TICK = ascii("tick");
  private static final byte[] OBJECTIVE = ascii("objective");
  private static final byte[] MECHS = ascii("mechs");
  private static final byte[] EVENTS = ascii("events");
  private static final byte[] ZONE_CENTER = ascii("zone_center");
  private static final byte[] ZONE_RADIUS = ascii("zone_radius");
  private static final byte[] ZONE_SCORE = ascii("zone_score");
  private static final byte[] TO_WIN = ascii("zone_score_to_win");
  private static final byte[] TEAM = ascii("team");
  private static final byte[] ALIVE = ascii("alive");
  private static final byte[] POS = ascii("pos");
  private static final byte[] REWARD = ascii("reward");
  private static final byte[] RL = ascii("rl");
  private static final byte[] TYPE = ascii("type");
  private static final byte[] SHOOTER = ascii("shooter");
  private static final byte[] TARGET = ascii("target");
  private static final byte[] DAMAGE = ascii("damage");

  private final byte[] b;
  private final int end;
  /** One String per name per chunk. */
  private final Names names = new Names(64);
  private int p;
  /** Where the last key read lies. */
  private int keyAt;
  private int keyLength;

  private FrameReader(byte[] bytes, int offset, int length) {
    this.b = bytes;
    this.p = offset;
    this.end = offset + length;
  }

  /** Each object in the frames array; elements of other kinds are passed over. */
  static List<Frame> frames(Payload.Slice frames) {
    FrameReader r = new FrameReader(frames.bytes(), frames.offset(), frames.length());
    List<Frame> out = new ArrayList<>();
    r.ws();
    if (r.peek() != '[') return out;
    r.p++;
    while (r.more(']')) {
      if (r.peek() == '{') out.add(r.frame());
      else r.skip();
    }
    return out;
  }

  private Frame frame() {
    Frame f = new Frame();
    f.reader = this;
    p++; // {
    while (more('}')) {
      key();
      if (keyIs(T)) {
        f.tAt = p;
        f.t = approximate(); // exact where it is reported: see exactT
      }
      else if (keyIs(TICK)) f.tick = whole();
      else if (keyIs(OBJECTIVE)) objective(f);
      else if (keyIs(MECHS)) mechs(f);
      else if (keyIs(EVENTS)) events(f);
      else skip();
    }
    return f;
  }

  private void objective(Frame f) {
    if (peek() != '{') {
      skip();
      return;
    }
    p++;
    while (more('}')) {
      key();
      if (keyIs(ZONE_CENTER) && peek() == '[') {
        p++;
        double[] xy = {Double.NaN, Double.NaN};
        for (int i = 0; more(']'); i++) {
          if (i < 2) xy[i] = approximate();
          else skip();
        }
        f.zoneX = xy[0];
        f.zoneY = xy[1];
      } else if (keyIs(ZONE_RADIUS)) {
        f.zoneRadius = approximate();
      } else if (keyIs(TO_WIN)) {
        f.toWin = number();
      } else if (keyIs(ZONE_SCORE) && peek() == '{') {
        p++;
        f.zoneScore = new TreeMap<>();
        while (more('}')) {
          String team = keyString();
          int at = p;
          double s = approximate();
          if (!Double.isNaN(s)) {
            f.zoneScore.put(team, s);
            f.zoneScoreAt.put(team, at);
          }
        }
      } else {
        skip();
      }
    }
  }

  private void mechs(Frame f) {
    if (peek() != '{') {
      skip();
      return;
    }
    p++;
    while (more('}')) {
      MechState m = new MechState();
      m.id = keyString();
      if (peek() != '{') {
        skip();
        continue;
      }
      p++;
      while (more('}')) {
        key();
        if (keyIs(TEAM)) {
          m.team = string();
        } else if (keyIs(ALIVE)) {
          m.alive = b[p] != 'f';
          skip();
        } else if (keyIs(POS) && peek() == '[') {
          p++;
          for (int i = 0; more(']'); i++) {
            if (i == 0) m.x = approximate();
            else if (i == 1) m.y = approximate();
            else skip();
          }
        } else if (keyIs(REWARD)) {
          double r = number();
          if (!m.rlReward) m.reward = r;
        } else if (keyIs(RL) && peek() == '{') {
          p++;
          while (more('}')) {
            key();
            if (keyIs(REWARD)) {
              double r = number();
              if (!Double.isNaN(r)) {
                m.reward = r;
                m.rlReward = true;
              }
            } else {
              skip();
            }
          }
        } else {
          skip();
        }
      }
      f.mechs.add(m);
    }
  }

  private void events(Frame f) {
    if (peek() != '[') {
      skip();
      return;
    }
    p++;
    while (more(']')) {
      if (peek() != '{') {
        skip();
        continue;
      }
      p++;
      Event e = new Event();
      while (more('}')) {
        key();
        if (keyIs(TYPE)) e.type = string();
        else if (keyIs(SHOOTER)) e.shooter = string();
        else if (keyIs(TARGET)) e.target = string();
        else if (keyIs(DAMAGE)) e.damage = number();
        else skip();
      }
      f.events.add(e);
    }
  }

  // --- the walk: whitespace, separators, keys, values ---

  private byte peek() {
    return p < end ? b[p] : 0;
  }

  private void ws() {
    while (p < end && (b[p] == ' ' || b[p] == '\n' || b[p] == '\r' || b[p] == '\t')) p++;
  }

  /** Steps over a separating comma; false (the closer consumed) at the end of the container. */
  private boolean more(char closer) {
    ws();
    if (p < end && b[p] == ',') {
      p++;
      ws();
    }
    if (p >= end) return false;
    if (b[p] == closer) {
      p++;
      return false;
    }
    return true;
  }

  /** Reads a member's key and its colon, leaving the position at its value. */
  private void key() {
    int start = p + 1;
    skipString();
    keyAt = start;
    keyLength = p - 1 - start;
    ws();
    p++; // :
    ws();
  }

  private boolean keyIs(byte[] name) {
    if (keyLength != name.length) return false;
    for (int i = 0; i < name.length; i++) if (b[keyAt + i] != name[i]) return false;
    return true;
  }

  private String keyString() {
    int start = p;
    key();
    return decode(start, keyAt + keyLength + 1);
  }

  /** A string value (null for any other kind, which is skipped). */
  private String string() {
    if (peek() != '"') {
      skip();
      return null;
    }
    int start = p;
    skipString();
    return decode(start, p);
  }

  /** The JSON string at [from, to), quotes included: copied as it is unless it has escapes. */
  private String decode(int from, int to) {
    for (int i = from + 1; i < to - 1; i++) {
      if (b[i] == '\\') {
        try {
          return dev.echelon.core.Json.mapper().readValue(b, from, to - from, String.class);
        } catch (java.io.IOException e) {
          return null;
        }
      }
    }
    return names.get(b, from + 1, to - 1);
  }

  /** Steps over the value here: where it starts when it is a number, else -1. */
  private int numberStart() {
    byte c = peek();
    if (c != '-' && (c < '0' || c > '9')) {
      skip();
      return -1;
    }
    int start = p;
    skipScalar();
    return start;
  }

  /** A finite number, else NaN (any other value, and Python's NaN and Infinity, skipped). */
  private double number() {
    int start = numberStart();
    if (start < 0) return Double.NaN;
    double fast = fastDecimal(start, p);
    if (!Double.isNaN(fast)) return fast;
    try {
      double d = Double.parseDouble(new String(b, start, p - start, StandardCharsets.US_ASCII));
      return Double.isFinite(d) ? d : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN; // -Infinity
    }
  }

  private static final double[] TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
      1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  /**
   * A plain decimal of at most 15 digits ({@code -12.625}), exactly as {@link Double#parseDouble}
   * reads it: the digits fit a double exactly, and so does the power of ten, so one division rounds
   * once (Clinger's fast path). NaN for anything else, which the caller parses the slow way.
   */
  private double fastDecimal(int from, int to) {
    int i = from;
    boolean negative = b[i] == '-';
    if (negative) i++;
    long digits = 0;
    int count = 0;
    int fraction = -1;
    for (; i < to; i++) {
      byte c = b[i];
      if (c >= '0' && c <= '9') {
        digits = digits * 10 + (c - '0');
        if (++count > 15) return Double.NaN;
        if (fraction >= 0) fraction++;
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.NaN; // an exponent
      }
    }
    if (count == 0) return Double.NaN;
    double d = fraction > 0 ? digits / TEN[fraction] : digits;
    return negative ? -d : d;
  }

  /**
   * A number to within a few units in the last place, without {@link Double#parseDouble}'s exact
   * (and, for the simulator's 17-digit positions, slow) rounding: enough to place a mech in the zone
   * or see a score reach the target. NaN for anything but a number.
   */
  private double approximate() {
    int start = numberStart();
    if (start < 0) return Double.NaN;
    int i = start;
    boolean negative = b[i] == '-';
    if (negative) i++;
    long digits = 0;
    int kept = 0;
    int scale = 0; // digits after the point that were kept, less integer digits that were not
    boolean fraction = false;
    for (; i < p; i++) {
      byte d = b[i];
      if (d >= '0' && d <= '9') {
        if (kept < 18) {
          digits = digits * 10 + (d - '0');
          if (digits > 0) kept++;
          if (fraction) scale++;
        } else if (!fraction) {
          scale--;
        }
      } else if (d == '.') {
        fraction = true;
      } else {
        return exactAt(start); // an exponent
      }
    }
    if (scale > 22 || scale < -22) return exactAt(start);
    double v = scale >= 0 ? digits / TEN[scale] : digits * TEN[-scale];
    return negative ? -v : v;
  }

  /** The number at {@code at}, read exactly. */
  double exactAt(int at) {
    int keep = p;
    p = at;
    double v = number();
    p = keep;
    return v;
  }

  /** A whole number, else -1. */
  private long whole() {
    double d = number();
    return !Double.isNaN(d) && d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : -1;
  }

  private void skip() {
    ws();
    if (p >= end) return;
    byte c = b[p];
    if (c == '"') {
      skipString();
    } else if (c == '{' || c == '[') {
      int depth = 0;
      while (p < end) {
        c = b[p];
        if (c == '"') {
          skipString();
          continue;
        }
        if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') {
          if (--depth == 0) {
            p++;
            return;
          }
        }
        p++;
      }
    } else {
      skipScalar();
    }
  }

  private void skipString() {
    p++; // the opening quote
    while (p < end) {
      byte c = b[p++];
      if (c == '"') return;
      if (c == '\\') p++;
    }
  }

  private void skipScalar() {
    while (p < end) {
      byte c = b[p];
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') return;
      p++;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static final class Frame {
    /** {@code t}, approximate (see {@link #exactT}). */
    double t = Double.NaN;
    int tAt = -1;
    long tick = -1;
    double zoneX = Double.NaN;
    double zoneY = Double.NaN;
    double zoneRadius = Double.NaN;
    /** Zone points, approximate (see {@link #standing} for exact ones). */
    Map<String, Double> zoneScore;
    /** Where each team's zone points lie in the pushed bytes. */
    final Map<String, Integer> zoneScoreAt = new TreeMap<>();
    FrameReader reader;
    double toWin = Double.NaN;
    final List<MechState> mechs = new ArrayList<>();
    final List<Event> events = new ArrayList<>();

    /** {@code t} read exactly, as a tally reports it. */
    double exactT() {
      return tAt < 0 ? Double.NaN : reader.exactAt(tAt);
    }

    /** Ids of the mechs alive inside the zone's circle (in the ground plane). */
    List<String> inZone() {
      if (Double.isNaN(zoneX) || Double.isNaN(zoneY) || Double.isNaN(zoneRadius)) return List.of();
      List<String> in = new ArrayList<>();
      for (MechState m : mechs) {
        double dx = m.x - zoneX;
        double dy = m.y - zoneY;
        if (m.alive && dx * dx + dy * dy <= zoneRadius * zoneRadius) in.add(m.id);
      }
      return in;
    }

    boolean hasStanding() {
      return zoneScore != null || !mechs.isEmpty();
    }

    ChunkTally.End standing() {
      Map<String, Integer> alive = new TreeMap<>();
      for (MechState m : mechs) {
        if (m.team != null) alive.merge(m.team, m.alive ? 1 : 0, Integer::sum);
      }
      Map<String, Double> exact = new TreeMap<>();
      zoneScoreAt.forEach((team, at) -> exact.put(team, reader.exactAt(at)));
      return new ChunkTally.End(exact, toWin, alive);
    }

    /** The decision this frame shows: a team at the score to win, or one team left standing. */
    ChunkTally.Decision decision() {
      if (!Double.isNaN(toWin) && zoneScore != null) {
        String reached = null;
        int n = 0;
        for (var e : zoneScore.entrySet()) {
          if (e.getValue() >= toWin) {
            reached = e.getKey();
            n++;
          }
        }
        if (n > 0) return new ChunkTally.Decision(n == 1 ? reached : null, "zone", exactT(), tick);
      }
      String first = null;
      String standing = null;
      boolean twoTeams = false;
      boolean twoStanding = false;
      for (MechState m : mechs) {
        if (m.team == null) continue;
        if (first == null) first = m.team;
        else if (!first.equals(m.team)) twoTeams = true;
        if (m.alive) {
          if (standing == null) standing = m.team;
          else if (!standing.equals(m.team)) twoStanding = true;
        }
      }
      if (twoTeams && !twoStanding) return new ChunkTally.Decision(standing, "elimination", exactT(), tick);
      return null;
    }
  }

  static final class MechState {
    String id;
    String team;
    boolean alive = true;
    double x = Double.NaN;
    double y = Double.NaN;
    double reward = Double.NaN;
    /** The reward came from {@code rl.reward}, which a plain {@code reward} does not override. */
    boolean rlReward;
  }

  static final class Event {
    String type;
    String shooter;
    String target;
    double damage = Double.NaN;
  }
}
