package dev.echelon.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic match in the simulator's frame schema: two teams of scouts, lights, mediums and
 * heavies walk their routes to the capture zone, fight with lasers, autocannons, missiles, paint
 * and smoke, fall and die, and score the zone until one team wins.
 */
final class DemoMatch {
  static final double DT = 0.25;
  static final double SCORE_TO_WIN = 40.0;
  private static final String[] CLASSES = {"heavy", "medium", "medium", "light", "scout"};

  private final DemoArena arena;
  private final SplittableRandom rnd;
  private final List<Mech> mechs = new ArrayList<>();
  private final List<double[]> smoke = new ArrayList<>(); // x, y, z, radius, ttl
  private final List<double[]> pendingMissiles = new ArrayList<>(); // target index, x, y, z, eta, shooter
  private final double[] score = {0, 0};
  private int tick;

  private final class Mech {
    final String id;
    final String team;
    final String cls;
    final int teamIndex;
    double x, y, z, vx, vy, yaw;
    double hp, hpMax, heat, heatCap, stability = 100, speed, range;
    boolean alive = true, fallen, ecm;
    int fallenTicks, cooldown;
    double suppressed;
    final double half; // half the body height: positions are body centres, as in the simulator
    int[] route;
    int routeIndex;

    Mech(String team, int n, String cls, double x, double y) {
      this.team = team;
      this.teamIndex = team.equals("blue") ? 0 : 1;
      this.id = team + "_" + n;
      this.cls = cls;
      this.x = x;
      this.y = y;
      switch (cls) {
        case "heavy" -> { hpMax = 200; heatCap = 130; speed = 0.9; range = 18; half = 2.0; }
        case "medium" -> { hpMax = 150; heatCap = 100; speed = 1.3; range = 14; half = 1.5; }
        case "light" -> { hpMax = 80; heatCap = 80; speed = 1.8; range = 11; half = 1.0; }
        default -> { hpMax = 60; heatCap = 75; speed = 2.3; range = 9; ecm = true; half = 0.9; }
      }
      this.z = 1.0 + half; // standing on the ground voxel at z = 0
      hp = hpMax;
    }
  }

  DemoMatch(DemoArena arena, long seed) {
    this.arena = arena;
    this.rnd = new SplittableRandom(seed);
    for (int t = 0; t < 2; t++) {
      String team = t == 0 ? "blue" : "red";
      for (int i = 0; i < CLASSES.length; i++) {
        int sx = t == 0 ? 5 + (i % 3) * 2 : DemoArena.SX - 6 - (i % 3) * 2;
        int sy = t == 0 ? 5 + (i / 3) * 2 : DemoArena.SY - 6 - (i / 3) * 2;
        while (!arena.walkable(sx, sy)) sx += t == 0 ? 1 : -1;
        Mech m = new Mech(team, i, CLASSES[i], sx + 0.5, sy + 0.5);
        int gx = (int) arena.zone[0] + rnd.nextInt(-3, 4);
        int gy = (int) arena.zone[1] + rnd.nextInt(-3, 4);
        m.route = arena.walkable(gx, gy) ? arena.route(sx, sy, gx, gy) : arena.route(sx, sy, (int) arena.zone[0], (int) arena.zone[1]);
        m.yaw = Math.atan2(arena.zone[1] - m.y, arena.zone[0] - m.x);
        mechs.add(m);
      }
    }
  }

  /** True once a team has won or one side is wiped out. */
  boolean over() {
    if (score[0] >= SCORE_TO_WIN || score[1] >= SCORE_TO_WIN) return true;
    boolean blue = false, red = false;
    for (Mech m : mechs) {
      if (!m.alive) continue;
      if (m.teamIndex == 0) blue = true; else red = true;
    }
    return !blue || !red || tick > 2400;
  }

  /** Advances one decision step and returns its frame. */
  ObjectNode next() {
    ArrayNode events = Json.mapper().createArrayNode();
    for (Mech m : mechs) if (m.alive) step(m, events);
    missiles(events);
    smoke.removeIf(s -> (s[4] -= DT) <= 0);
    int[] inZone = {0, 0};
    for (Mech m : mechs) {
      if (m.alive && Math.hypot(m.x - arena.zone[0], m.y - arena.zone[1]) <= arena.zoneRadius) inZone[m.teamIndex]++;
    }
    if (inZone[0] > inZone[1]) score[0] += DT * (inZone[0] - inZone[1]);
    if (inZone[1] > inZone[0]) score[1] += DT * (inZone[1] - inZone[0]);
    ObjectNode frame = frame(events);
    tick++;
    return frame;
  }

  private void step(Mech m, ArrayNode events) {
    m.heat = Math.max(0, m.heat - 6 * DT);
    m.stability = Math.min(100, m.stability + 4 * DT);
    m.suppressed = Math.max(0, m.suppressed - DT);
    if (m.fallen && --m.fallenTicks <= 0) m.fallen = false;
    Mech target = nearestEnemy(m);
    m.vx = 0;
    m.vy = 0;
    if (!m.fallen) {
      boolean engage = target != null && Math.hypot(target.x - m.x, target.y - m.y) < m.range * 0.6;
      if (!engage || !m.cls.equals("heavy")) move(m);
    }
    if (target != null) {
      m.yaw = Math.atan2(target.y - m.y, target.x - m.x);
      if (--m.cooldown <= 0 && m.heat < m.heatCap * 0.85 && !m.fallen) fire(m, target, events);
    }
    if (m.hp < m.hpMax * 0.5 && m.cls.equals("light") && rnd.nextInt(40) == 0) {
      events.addObject().put("type", "smoke_launch").put("shooter", m.id).set("pos", vec(m.x, m.y, m.z + 1));
      smoke.add(new double[] {m.x, m.y, 1.5, 3.0, 8.0});
      events.addObject().put("type", "smoke_cloud").put("radius", 3.0).set("pos", vec(m.x, m.y, 1.5));
    }
  }

  private void move(Mech m) {
    double tx, ty;
    if (m.routeIndex < m.route.length) {
      int c = m.route[m.routeIndex];
      tx = c % DemoArena.SX + 0.5;
      ty = c / DemoArena.SX + 0.5;
      if (Math.hypot(tx - m.x, ty - m.y) < 0.6) m.routeIndex++;
    } else {
      double a = rnd.nextDouble() * Math.PI * 2;
      tx = m.x + Math.cos(a);
      ty = m.y + Math.sin(a);
      if (Math.hypot(tx - arena.zone[0], ty - arena.zone[1]) > arena.zoneRadius - 1 || !arena.walkable((int) tx, (int) ty)) return;
    }
    double d = Math.hypot(tx - m.x, ty - m.y);
    if (d < 1e-6) return;
    double v = Math.min(d / DT, m.speed * (m.suppressed > 0 ? 0.5 : 1));
    m.vx = (tx - m.x) / d * v;
    m.vy = (ty - m.y) / d * v;
    m.x += m.vx * DT;
    m.y += m.vy * DT;
    int s = arena.surface[(int) m.y * DemoArena.SX + (int) m.x];
    m.z = Math.max(0, s) + 1.0 + m.half;
    if (m.routeIndex < m.route.length) m.yaw = Math.atan2(m.vy, m.vx);
  }

  private Mech nearestEnemy(Mech m) {
    Mech best = null;
    double bestD = m.range;
    for (Mech o : mechs) {
      if (!o.alive || o.teamIndex == m.teamIndex) continue;
      double d = Math.hypot(o.x - m.x, o.y - m.y);
      if (d < bestD) {
        bestD = d;
        best = o;
      }
    }
    return best;
  }

  private void fire(Mech m, Mech t, ArrayNode events) {
    boolean crit = rnd.nextInt(12) == 0;
    switch (m.cls) {
      case "heavy" -> {
        if (tick % 8 == 0) {
          events.addObject().put("type", "missile_launch").put("weapon", "missile").put("lock", "los")
              .put("shooter", m.id).put("target", t.id).set("pos", vec(m.x, m.y, m.z + 2.5));
          pendingMissiles.add(new double[] {mechs.indexOf(t), t.x, t.y, t.z, 1.0, mechs.indexOf(m)});
        }
        events.addObject().put("type", "kinetic_fire").put("weapon", "autocannon").put("shooter", m.id)
            .set("pos", vec(m.x, m.y, m.z + 1.7));
        if (rnd.nextInt(3) > 0) hit(m, t, "projectile_hit", "autocannon", 8 + rnd.nextDouble() * 4, crit, events);
        m.heat += 9;
        m.cooldown = 2;
      }
      case "medium" -> {
        hit(m, t, "laser_hit", "laser", 10 + rnd.nextDouble() * 6, crit, events);
        m.heat += 14;
        m.cooldown = 3;
      }
      case "light" -> {
        hit(m, t, "laser_hit", "laser", 6 + rnd.nextDouble() * 4, crit, events);
        m.heat += 10;
        m.cooldown = 2;
      }
      default -> {
        events.addObject().put("type", "paint").put("weapon", "painter").put("shooter", m.id).put("target", t.id)
            .set("pos", vec(t.x, t.y, t.z));
        m.cooldown = 6;
      }
    }
  }

  private void hit(Mech m, Mech t, String type, String weapon, double damage, boolean crit, ArrayNode events) {
    if (crit) damage *= 1.5;
    ObjectNode e = events.addObject().put("type", type).put("weapon", weapon).put("shooter", m.id).put("target", t.id);
    e.set("pos", vec(t.x, t.y, t.z + 0.5));
    e.put("damage", Math.round(damage * 10) / 10.0).put("is_crit", crit).put("is_leg_hit", rnd.nextInt(6) == 0)
        .put("is_painted", false);
    if (type.equals("projectile_hit")) {
      e.put("stability", 5.0);
      t.stability -= 5;
      if (t.stability < 25 && !t.fallen) {
        t.fallen = true;
        t.fallenTicks = 8;
      }
    }
    t.suppressed = 1.0;
    damage(m, t, damage, events);
  }

  private void damage(Mech shooter, Mech t, double damage, ArrayNode events) {
    if (!t.alive) return;
    t.hp = Math.max(0, t.hp - damage);
    if (t.hp == 0) {
      t.alive = false;
      t.fallen = true;
      t.vx = 0;
      t.vy = 0;
      events.addObject().put("type", "kill").put("shooter", shooter.id).put("target", t.id);
    }
  }

  private void missiles(ArrayNode events) {
    for (var it = pendingMissiles.iterator(); it.hasNext(); ) {
      double[] p = it.next();
      if ((p[4] -= DT) > 0) continue;
      it.remove();
      Mech shooter = mechs.get((int) p[5]);
      events.addObject().put("type", "explosion").put("weapon", "missile").put("radius", 2.0)
          .put("shooter", shooter.id).set("pos", vec(p[1], p[2], p[3]));
      for (Mech o : mechs) {
        if (o.alive && o.teamIndex != shooter.teamIndex && Math.hypot(o.x - p[1], o.y - p[2]) < 2.0) {
          damage(shooter, o, 18 + rnd.nextDouble() * 8, events);
        }
      }
    }
  }

  private ObjectNode frame(ArrayNode events) {
    ObjectNode f = Json.mapper().createObjectNode();
    f.put("t", tick * DT).put("tick", tick * 5);
    ObjectNode obj = f.putObject("objective");
    obj.set("zone_center", Json.mapper().createArrayNode().add(arena.zone[0]).add(arena.zone[1]));
    obj.put("zone_radius", arena.zoneRadius);
    obj.putObject("zone_score").put("blue", score[0]).put("red", score[1]);
    obj.put("zone_score_to_win", SCORE_TO_WIN);
    ObjectNode ms = f.putObject("mechs");
    for (Mech m : mechs) {
      ObjectNode o = ms.putObject(m.id);
      o.put("team", m.team).put("class", m.cls);
      o.set("pos", vec(m.x, m.y, m.z));
      o.set("vel", vec(m.vx, m.vy, 0));
      o.put("yaw", m.yaw).put("hp", Math.round(m.hp * 10) / 10.0).put("hp_max", m.hpMax)
          .put("heat", Math.round(m.heat * 10) / 10.0).put("heat_cap", m.heatCap)
          .put("stability", Math.round(m.stability * 10) / 10.0).put("stability_max", 100.0)
          .put("alive", m.alive).put("fallen", m.fallen).put("legged", false)
          .put("suppressed_time", m.suppressed).put("ams_cooldown", 0.0).put("ecm_on", m.ecm).put("eccm_on", false);
    }
    ArrayNode clouds = f.putArray("smoke_clouds");
    for (double[] s : smoke) clouds.addObject().put("radius", s[3]).set("pos", vec(s[0], s[1], s[2]));
    f.set("events", events);
    return f;
  }

  private static ArrayNode vec(double x, double y, double z) {
    return Json.mapper().createArrayNode().add(x).add(y).add(z);
  }
}
