package dev.echelon.server;

import static dev.echelon.server.ViewerIT.await;
import static dev.echelon.server.ViewerIT.state;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/**
 * A big world and a long replay in headless Chromium (software GL): the world is drawn as culled
 * faces and the stream is parsed in a Worker. Asserts correctness; prints the figures that
 * BENCHMARKS.md records (frames per second, long tasks, time to complete). -Dviewer.frames=3000
 * gives the full 54 MB replay of the issue; the suite uses 600 frames.
 */
@Timeout(300) // each test: a hang fails instead of stalling the build
class ViewerBigWorldIT {
  @TempDir Path runs;

  /** A 100x100x30 city: blocks of buildings of mixed voxel types, ~28k walls. */
  static ObjectNode city() {
    ObjectNode w = Json.mapper().createObjectNode();
    w.putArray("size").add(100).add(100).add(30);
    w.put("voxel_size_m", 1.0);
    w.putObject("meta").putObject("capture_zone").put("radius", 8).putArray("center").add(50).add(50);
    ArrayNode walls = w.putArray("walls");
    Random rnd = new Random(7);
    int[] types = {1, 1, 1, 5, 8, 7, 9};
    for (int bx = 4; bx < 96; bx += 12) {
      for (int by = 4; by < 96; by += 12) {
        if (Math.abs(bx - 50) < 12 && Math.abs(by - 50) < 12) continue; // the zone stays open
        int h = 4 + rnd.nextInt(14), t = types[rnd.nextInt(types.length)];
        for (int x = bx; x < bx + 7; x++) {
          for (int y = by; y < by + 7; y++) {
            for (int z = 0; z < h; z++) walls.addArray().add(x).add(y).add(z).add(t);
          }
        }
      }
    }
    for (int x = 0; x < 100; x += 3) walls.addArray().add(x).add(2).add(0).add(2); // lava tiles
    return w;
  }

  static ArrayNode frames(int n) {
    ArrayNode frames = Json.mapper().createArrayNode();
    Random rnd = new Random(3);
    for (int f = 0; f < n; f++) {
      ObjectNode fr = frames.addObject();
      fr.put("t", f * 0.05).put("tick", f);
      ObjectNode obj = fr.putObject("objective");
      obj.putArray("zone_center").add(50.0).add(50.0);
      obj.put("zone_radius", 8.0).put("zone_score_to_win", 15.0);
      obj.putObject("zone_score").put("blue", f * 0.004).put("red", f * 0.003);
      ObjectNode mechs = fr.putObject("mechs");
      for (int m = 0; m < 40; m++) {
        String team = m < 20 ? "blue" : "red";
        double a = m * 0.157 + f * 0.002;
        ObjectNode me = mechs.putObject(team + "_" + (m % 20));
        me.put("team", team).put("class", "medium");
        me.putArray("pos").add(50 + Math.cos(a) * (40 - f * 0.01)).add(50 + Math.sin(a) * (40 - f * 0.01)).add(1.5);
        me.putArray("vel").add(rnd.nextDouble()).add(rnd.nextDouble()).add(0.0);
        me.put("yaw", a).put("hp", 150 - (f % 150) * 0.5).put("hp_max", 150.0).put("heat", rnd.nextDouble() * 100)
            .put("heat_cap", 100.0).put("stability", 100.0).put("stability_max", 100.0).put("alive", true)
            .put("fallen", false).put("legged", false).put("suppressed_time", 0.0).put("ams_cooldown", 0.0)
            .put("ecm_on", false).put("eccm_on", false);
      }
      ArrayNode events = fr.putArray("events");
      if (f % 10 == 0) {
        events.addObject().put("type", "laser_hit").put("weapon", "laser").put("shooter", "blue_1").put("target", "red_1")
            .put("damage", 14.0).put("is_crit", false).putArray("pos").add(50.0).add(60.0).add(1.5);
      }
      if (f % 500 == 250) events.addObject().put("type", "kill").put("shooter", "blue_2").put("target", "red_" + (f / 500));
    }
    return frames;
  }

  @Test
  void aBigWorldIsDrawnAsCulledFacesAndTheViewerKeepsUpWithALongReplay() throws Exception {
    int n = Integer.getInteger("viewer.frames", 600);
    ObjectNode world = city();
    ArrayNode frames = frames(n);
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      b.driver.get(s.url("/"));
      await(b, "connected", Duration.ofSeconds(60), () -> "connected".equals(state(b).get("connection")));
      b.js("""
          window.__long = []; window.__frames = 0;
          new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration)))
            .observe({ type: 'longtask', buffered: false });
          const count = () => { window.__frames++; requestAnimationFrame(count); }; requestAnimationFrame(count);""");
      String hash = s.putWorld(world).json().get("world_hash").asText();
      long t0 = System.nanoTime();
      s.pushReplay("big", hash, frames, 100);
      double pushed = (System.nanoTime() - t0) / 1e9;
      await(b, "complete", Duration.ofSeconds(180), () -> Boolean.TRUE.equals(state(b).get("complete"))
          && ((Number) state(b).get("frames")).intValue() == n);
      double complete = (System.nanoTime() - t0) / 1e9;
      long framesAtComplete = ((Number) b.js("return window.__frames")).longValue();
      Thread.sleep(3000);
      double fps = (((Number) b.js("return window.__frames")).longValue() - framesAtComplete) / 3.0;
      @SuppressWarnings("unchecked")
      Map<String, Object> ws = (Map<String, Object>) state(b).get("world");
      @SuppressWarnings("unchecked")
      java.util.List<Number> longTasks = (java.util.List<Number>) b.js("return window.__long");
      double longTotal = longTasks.stream().mapToDouble(Number::doubleValue).sum();
      double longMax = longTasks.stream().mapToDouble(Number::doubleValue).max().orElse(0);
      int walls = world.get("walls").size();
      System.out.printf(Locale.ROOT, "viewer big world: %d walls -> %s faces (naive %d), meshed in %s ms; %d frames"
          + " (%.1f MB) pushed in %.1f s, complete in the page after %.1f s; %d long tasks, %.0f ms in all, max %.0f ms;"
          + " %.1f fps while playing; pixel ratio %s (software GL %s), %s draw calls; intake %s%n", walls, ws.get("faces"), walls * 6, ws.get("ms"), n,
          frames.toString().length() / 1e6, pushed, complete, longTasks.size(), longTotal, longMax, fps,
          state(b).get("pixelRatio"), state(b).get("softwareGl"), state(b).get("drawCalls"), state(b).get("intake"));
      assertThat(state(b).get("intake")).isEqualTo("worker");
      assertThat(((Number) ws.get("faces")).longValue()).as("hidden faces culled").isLessThan(walls * 6L / 3);
      assertThat(((Number) ws.get("voxels")).intValue()).isEqualTo(walls);
      assertThat(((Number) ViewerIT.info(b).get("calls")).intValue()).as("draw calls").isLessThan(400);
      b.screenshot("viewer-big-world");
    }
  }
}
