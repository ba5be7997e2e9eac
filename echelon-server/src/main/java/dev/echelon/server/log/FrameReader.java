package dev.echelon.server.log;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the few fields of a simulator frame that a {@link ChunkTally} counts, streaming and
 * skipping the rest (walls, velocities, smoke): {@code t}, {@code tick}, the objective, each
 * mech's team, life, position and reward, and each event's type, shooter, target and damage.
 */
final class FrameReader {
  private FrameReader() {}

  static final class Frame {
    double t = Double.NaN;
    long tick = -1;
    double zoneX = Double.NaN;
    double zoneY = Double.NaN;
    double zoneRadius = Double.NaN;
    Map<String, Double> zoneScore;
    double toWin = Double.NaN;
    final List<MechState> mechs = new ArrayList<>();
    final List<Event> events = new ArrayList<>();

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
      return new ChunkTally.End(zoneScore == null ? Map.of() : zoneScore, toWin, alive);
    }

    /** The decision this frame shows: one team at the score to win, or one team left standing. */
    ChunkTally.Decision decision(ChunkTally.End s) {
      if (!Double.isNaN(s.toWin())) {
        List<String> reached = s.zoneScore().entrySet().stream().filter(e -> e.getValue() >= s.toWin())
            .map(Map.Entry::getKey).toList();
        if (!reached.isEmpty()) return new ChunkTally.Decision(reached.size() == 1 ? reached.get(0) : null, "zone", t, tick);
      }
      if (s.alive().size() > 1) {
        List<String> standing = s.alive().entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey)
            .toList();
        if (standing.size() <= 1) {
          return new ChunkTally.Decision(standing.isEmpty() ? null : standing.get(0), "elimination", t, tick);
        }
      }
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
  }

  static final class Event {
    String type;
    String shooter;
    String target;
    double damage = Double.NaN;
  }

  /** Reads the frame object the parser is at (its START_OBJECT read) to its end. */
  static Frame read(JsonParser p) throws IOException {
    Frame f = new Frame();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "t" -> f.t = number(p, v);
        case "tick" -> f.tick = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
        case "objective" -> objective(p, v, f);
        case "mechs" -> mechs(p, v, f);
        case "events" -> events(p, v, f);
        default -> p.skipChildren();
      }
    }
    return f;
  }

  private static void objective(JsonParser p, JsonToken v, Frame f) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "zone_center" -> {
          if (t == JsonToken.START_ARRAY) {
            f.zoneX = p.nextToken() == JsonToken.END_ARRAY ? Double.NaN : number(p, p.currentToken());
            if (p.currentToken() != JsonToken.END_ARRAY) {
              f.zoneY = p.nextToken() == JsonToken.END_ARRAY ? Double.NaN : number(p, p.currentToken());
              if (p.currentToken() != JsonToken.END_ARRAY) skipRest(p);
            }
          } else {
            p.skipChildren();
          }
        }
        case "zone_radius" -> f.zoneRadius = number(p, t);
        case "zone_score_to_win" -> f.toWin = number(p, t);
        case "zone_score" -> {
          if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            break;
          }
          f.zoneScore = new TreeMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String team = p.currentName();
            double s = number(p, p.nextToken());
            if (!Double.isNaN(s)) f.zoneScore.put(team, s);
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private static void mechs(JsonParser p, JsonToken v, Frame f) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      MechState m = new MechState();
      m.id = p.currentName();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "team" -> m.team = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "alive" -> m.alive = t != JsonToken.VALUE_FALSE;
          case "pos" -> {
            if (t != JsonToken.START_ARRAY) {
              p.skipChildren();
              break;
            }
            if (p.nextToken() != JsonToken.END_ARRAY) {
              m.x = number(p, p.currentToken());
              if (p.nextToken() != JsonToken.END_ARRAY) {
                m.y = number(p, p.currentToken());
                skipRest(p);
              }
            }
          }
          case "reward" -> {
            if (Double.isNaN(m.reward)) m.reward = number(p, t);
          }
          case "rl" -> {
            if (t != JsonToken.START_OBJECT) {
              p.skipChildren();
              break;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              boolean reward = p.currentName().equals("reward");
              double r = number(p, p.nextToken());
              if (reward && !Double.isNaN(r)) m.reward = r;
            }
          }
          default -> p.skipChildren();
        }
      }
      f.mechs.add(m);
    }
  }

  private static void events(JsonParser p, JsonToken v, Frame f) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      Event e = new Event();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken x = p.nextToken();
        switch (name) {
          case "type" -> e.type = text(p, x);
          case "shooter" -> e.shooter = text(p, x);
          case "target" -> e.target = text(p, x);
          case "damage" -> e.damage = number(p, x);
          default -> p.skipChildren();
        }
      }
      f.events.add(e);
    }
  }

  private static void skipRest(JsonParser p) throws IOException {
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) p.skipChildren();
  }

  private static String text(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) return p.getText();
    p.skipChildren();
    return null;
  }

  /** A finite number, else NaN (containers skipped). */
  private static double number(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return Double.isFinite(d) ? d : Double.NaN;
    }
    p.skipChildren();
    return Double.NaN;
  }
}
