package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.WorldHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.interactions.Actions;

/** The viewer in headless Chromium against the real server: what a researcher sees. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class ViewerIT {
  @TempDir Path runs;

  @SuppressWarnings("unchecked")
  static Map<String, Object> state(Browser b) {
    return (Map<String, Object>) b.js("return window.echelon ? window.echelon.state() : {}");
  }

  static void await(Browser b, String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (Boolean.TRUE.equals(condition.get())) return;
      Thread.sleep(100);
    }
    b.screenshot("timeout-" + what.replaceAll("\\W+", "-"));
    throw new AssertionError("timed out waiting for " + what + "; viewer state " + state(b) + "; page: "
        + b.js("return document.body.innerText.slice(0, 400)") + "; browser log: "
        + b.driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll());
  }

  /** Pauses playback and lets transient effects expire, so GPU resource counts settle. */
  static Map<String, Object> settledInfo(Browser b) throws InterruptedException {
    if (Boolean.TRUE.equals(state(b).get("playing"))) b.driver.findElement(By.id("play")).click();
    Thread.sleep(1500);
    return info(b);
  }

  @Test
  void aResearcherWatchesAReplayInspectsAMechAndSeesTheNavGraph() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      b.driver.get(s.url("/"));
      await(b, "connected", Duration.ofSeconds(60), () -> "connected".equals(state(b).get("connection")));
      assertThat(b.driver.findElement(By.id("conn")).getText()).isEqualTo("connected");
      // Chromium asked for gzip and its EventSource decodes the compressed stream
      assertThat(s.get("/metrics").body()).contains("echelon_sse_gzip_connections_total 1");

      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      s.pushReplay("viewer1", hash, (ArrayNode) replay.get("frames"), 100);
      await(b, "complete", Duration.ofSeconds(30), () -> Boolean.TRUE.equals(state(b).get("complete")));
      assertThat(((Number) state(b).get("frames")).intValue()).isEqualTo(185);
      assertThat(b.driver.findElement(By.id("progress-text")).getText()).contains("chunk 2 / 2").contains("185 frames")
          .contains("complete");

      // playing: the time advances; paused: it stops
      double t1 = ((Number) state(b).get("time")).doubleValue();
      Thread.sleep(1500);
      double t2 = ((Number) state(b).get("time")).doubleValue();
      assertThat(t2).isGreaterThan(t1);
      b.driver.findElement(By.id("play")).click();
      double p1 = ((Number) state(b).get("time")).doubleValue();
      Thread.sleep(800);
      assertThat(((Number) state(b).get("time")).doubleValue()).isEqualTo(p1);
      assertThat(b.driver.findElement(By.id("time")).getText()).matches("\\d+\\.\\d s / 46\\.0 s");

      // the canvas is not blank
      Long distinct = (Long) b.js("""
          const c = document.querySelector('#canvas-host canvas');
          const gl = c.getContext('webgl2') || c.getContext('webgl');
          const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight, px = new Uint8Array(w * h * 4);
          gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
          const seen = new Set();
          for (let i = 0; i < px.length; i += 4 * 97) seen.add(px[i] << 16 | px[i + 1] << 8 | px[i + 2]);
          return seen.size;""");
      assertThat(distinct).isGreaterThan(20);

      // click a mech: the inspector opens with its fields
      @SuppressWarnings("unchecked")
      List<String> ids = (List<String>) b.js("return window.echelon.mechIds()");
      assertThat(ids).contains("blue_0", "red_0");
      clickMech(b, "blue_0");
      await(b, "inspector", Duration.ofSeconds(10), () -> b.driver.findElement(By.id("inspect")).isDisplayed());
      assertThat(b.driver.findElement(By.id("inspect-title")).getText()).startsWith("blue_0");
      assertThat(b.driver.findElement(By.id("inspect-table")).getText())
          .contains("position").contains("vox/s").contains("health").containsPattern("hp \\d+ / 200 hp").contains("heat");

      // the selected mech's least-cost path to the zone centre (positions converted to metres and back)
      b.driver.findElement(By.id("inspect-path")).click();
      await(b, "path to zone", Duration.ofSeconds(20), () -> ((Number) state(b).get("pathPoints")).intValue() > 1);

      // the nav toggle draws the overlay
      b.driver.findElement(By.id("nav-toggle")).click();
      await(b, "nav overlay", Duration.ofSeconds(20), () -> ((Number) state(b).get("navLines")).intValue() > 0);
      b.screenshot("viewer-fixture");
    }
  }

  @Test
  void twentyReplaysOnTwoWorldsLeaveOneReplaysWorthOfMemory() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    ArrayNode frames = (ArrayNode) replay.get("frames");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      b.driver.get(s.url("/"));
      await(b, "connected", Duration.ofSeconds(60), () -> "connected".equals(state(b).get("connection")));
      long empty = heap(b);
      String first = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      ObjectNode second = replay.get("world").deepCopy();
      second.put("seed", 99);
      ((ArrayNode) second.get("walls")).addArray().add(5).add(5).add(1).add(1);
      String secondHash = s.putWorld(second).json().get("world_hash").asText();
      assertThat(secondHash).isNotEqualTo(first).isEqualTo(WorldHash.of(second));

      Map<String, Object> baseline = null;
      long oneReplay = 0;
      for (int i = 0; i < 20; i++) {
        String id = "r" + i;
        s.pushReplay(id, i % 2 == 0 ? first : secondHash, frames, 100);
        await(b, id + " arrived", Duration.ofSeconds(30), () -> id.equals(state(b).get("replayId"))
            || id.equals(state(b).get("pendingId")));
        if (id.equals(state(b).get("pendingId"))) b.js("document.getElementById('notice-jump').click()"); // skip ahead
        await(b, id, Duration.ofSeconds(30), () -> id.equals(state(b).get("replayId")) && Boolean.TRUE.equals(state(b).get("complete")));
        if (i == 1) {
          baseline = settledInfo(b);
          oneReplay = heap(b);
          b.driver.findElement(By.id("follow")).click(); // pausing turned follow-live off; turn it back on
        }
      }
      Map<String, Object> after = settledInfo(b);
      assertThat(after.get("geometries")).as("geometries").isEqualTo(baseline.get("geometries"));
      assertThat(after.get("textures")).as("textures").isEqualTo(baseline.get("textures"));
      long perReplay = Math.max(1, oneReplay - empty);
      long last = heap(b);
      System.out.printf("viewer JS heap: empty %d KB, after 2 replays %d KB, after 20 replays %d KB%n",
          empty >> 10, oneReplay >> 10, last >> 10);
      assertThat(last - empty).as("JS heap after 20 replays vs one replay's worth (%d bytes)", perReplay)
          .isLessThan(2 * perReplay + (4 << 20));
      b.screenshot("viewer-second-world");
    }
  }

  /** Used JS heap after a full GC (Chromium with --expose-gc and precise memory info). */
  static long heap(Browser b) {
    return ((Number) b.js("window.gc(); window.gc(); return performance.memory.usedJSHeapSize")).longValue();
  }

  @Test
  void followingLivePlaysEachMatchToItsEndShowsTheResultThenMovesOn() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    ArrayNode frames = (ArrayNode) replay.get("frames");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      b.driver.get(s.url("/"));
      await(b, "connected", Duration.ofSeconds(60), () -> "connected".equals(state(b).get("connection")));
      new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("speed"))).selectByValue("8");
      s.pushReplay("match1", hash, frames, 40);
      await(b, "match 1", Duration.ofSeconds(20), () -> "match1".equals(state(b).get("replayId"))
          && Boolean.TRUE.equals(state(b).get("complete")));
      s.pushReplay("match2", hash, frames, 40); // the trainer is on to the next match already

      await(b, "match 2 waiting", Duration.ofSeconds(20), () -> "match2".equals(state(b).get("pendingId")));
      assertThat(state(b).get("replayId")).as("match 1 is not left before its end and its result").isEqualTo("match1");
      // the fixture: blue's zone score reaches 15 at 16.25 s; kills blue 5, red 4; one blue mech alive at 46 s
      await(b, "the result", Duration.ofSeconds(30), () -> state(b).get("result") != null);
      assertThat((String) state(b).get("result")).startsWith("Blue wins").contains("by zone points: 15 reached at 16.3 s")
          .contains("zone points blue 20.7 · red 2.2 of 15").contains("kills blue 5 · red 4")
          .contains("alive at the end blue 1 · red 0");
      assertThat(state(b).get("replayId")).isEqualTo("match1");
      assertThat(b.driver.findElement(By.id("score-label")).getText()).isEqualTo("zone points, 15 to win");
      b.screenshot("viewer-match-result");
      await(b, "match 2", Duration.ofSeconds(20), () -> "match2".equals(state(b).get("replayId")));
      assertThat(state(b).get("result")).isNull();
    }
  }

  @Test
  void aViewerThatJoinsAMatchLongUnderWayStartsNearItsLiveEdge() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    ArrayNode frames = (ArrayNode) replay.get("frames");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      String head = "{\"replay_id\":\"underway\",\"world_ref\":\"" + hash + "\",\"chunk_count\":4,\"chunk_index\":";
      for (int i = 0; i < 3; i++) { // 150 frames, 37 s of the match, before the page opens
        ArrayNode part = frames.arrayNode();
        for (int f = i * 50; f < (i + 1) * 50; f++) part.add(frames.get(f));
        assertThat(s.post("/push", head + i + ",\"frames\":" + part + "}").status()).isEqualTo(200);
      }
      b.driver.get(s.url("/"));
      await(b, "the match so far", Duration.ofSeconds(60), () -> "underway".equals(state(b).get("replayId"))
          && ((Number) state(b).get("frames")).intValue() == 150);
      // playing from its start would take half a minute to get there
      await(b, "near the live edge", Duration.ofSeconds(5), () -> ((Number) state(b).get("time")).doubleValue() > 30);
      assertThat(state(b).get("followLive")).isEqualTo(true);
      assertThat(state(b).get("playing")).isEqualTo(true);
    }
  }

  @Test
  void theLibrarySearchesTheArchiveAndPagesOn() throws Exception {
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String world = s.putSmallWorld();
      for (int i = 0; i < 52; i++) {
        String map = i % 10 == 3 ? "desert" : "arena";
        assertThat(s.post("/push", "{\"replay_id\":\"lib" + i + "\",\"world_ref\":\"" + world + "\",\"chunk_index\":0,"
            + "\"chunk_count\":" + (i == 13 ? 2 : 1) + ",\"meta\":{\"map\":\"" + map + "\"},\"run\":{\"name\":\"lab\","
            + "\"update\":" + i + "},\"frames\":[{\"t\":0},{\"t\":0.25" + decided(i % 4) + "}]}").status()).isEqualTo(200);
      }
      b.driver.get(s.url("/"));
      await(b, "connected", Duration.ofSeconds(60), () -> "connected".equals(state(b).get("connection")));
      b.driver.findElement(By.id("library-toggle")).click();
      await(b, "a page of 50", Duration.ofSeconds(10), () -> rows(b).size() == 50);
      assertThat(b.driver.findElement(By.id("library-more")).isDisplayed()).isTrue();
      b.js("document.getElementById('library-more').click()");
      await(b, "all 52", Duration.ofSeconds(10), () -> rows(b).size() == 52);
      assertThat(b.driver.findElement(By.id("library-more")).isDisplayed()).isFalse();

      b.driver.findElement(By.id("library-q")).sendKeys("DESERT");
      await(b, "the desert replays", Duration.ofSeconds(10), () -> rows(b).equals(List.of("lib43", "lib33", "lib23",
          "lib13", "lib3")));
      assertThat(b.driver.findElement(By.id("library-list")).getText()).contains("run lab · update 43");
      new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("library-complete"))).selectByValue("false");
      await(b, "the incomplete one", Duration.ofSeconds(10), () -> rows(b).equals(List.of("lib13")));
      b.screenshot("viewer-library-search");
      new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("library-complete"))).selectByValue("");
      new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("library-winner"))).selectByValue("blue");
      await(b, "the desert replays blue won", Duration.ofSeconds(10), () -> rows(b).equals(List.of("lib33", "lib13")));
      b.screenshot("viewer-library-winner");
      assertThat(b.js("return document.querySelector(\"#library-list li[data-replay-id='lib33'] .outcome\").className"))
          .isEqualTo("outcome team blue");
      assertThat(b.js("return document.querySelector(\"#library-list li[data-replay-id='lib33'] .facts\").textContent"))
          .isEqualTo("0.3 s · 2 kills");
      new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("library-winner"))).selectByValue("red");
      await(b, "red won none of the desert ones", Duration.ofSeconds(10), () -> rows(b).isEmpty());
      b.driver.findElement(By.id("library-q")).clear();
      b.js("const q = document.getElementById('library-q'); q.value = ''; q.dispatchEvent(new Event('input'))");
      await(b, "red's wins, by elimination", Duration.ofSeconds(10), () -> rows(b).size() == 13);
      assertThat(b.js("return document.querySelector('#library-list .outcome').title")).isEqualTo("decided by elimination");
    }
  }

  @Test
  void theRunPlotHasAPointPerReplayAndClickingOneOpensIt() throws Exception {
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String world = s.putSmallWorld();
      int[] updates = {4, 1, 9, 6};
      for (int i = 0; i < updates.length; i++) {
        StringBuilder frames = new StringBuilder("[");
        for (int k = 0; k <= 10 * (i + 1); k++) {
          frames.append(k == 0 ? "" : ",").append("{\"t\":").append(k * 0.25).append(k == 1 ? decided(i == 1 ? 2 : 1) : "")
              .append('}');
        }
        assertThat(s.post("/push", "{\"replay_id\":\"ep" + i + "\",\"world_ref\":\"" + world + "\",\"chunk_index\":0,"
            + "\"chunk_count\":1,\"run\":{\"name\":\"gamma\",\"update\":" + updates[i] + ",\"eval\":{\"win_rate\":0."
            + (i + 2) + "}},\"frames\":" + frames + "]}").status()).isEqualTo(200);
      }
      b.driver.get(s.url("/?run=gamma"));
      await(b, "connected", Duration.ofSeconds(60), () -> "connected".equals(state(b).get("connection")));
      b.driver.findElement(By.id("run-plot-toggle")).click();
      await(b, "four points", Duration.ofSeconds(10), () -> points(b, "circle").size() == 4);
      assertThat(points(b, "rect")).as("an eval win rate for each").hasSize(4);
      assertThat(b.driver.findElement(By.id("run-plot-title")).getText()).isEqualTo("run gamma");
      // left to right by update, and higher for longer episodes
      assertThat((List<Object>) b.js("return [...document.querySelectorAll('#run-plot-svg circle')]"
          + ".sort((a, c) => a.cx.baseVal.value - c.cx.baseVal.value).map((c) => c.dataset.replayId)"))
          .containsExactly("ep1", "ep0", "ep3", "ep2");
      assertThat((String) b.js("return document.querySelector(\"#run-plot-svg circle[data-replay-id='ep2'] title\")"
          + ".textContent")).contains("update 9").contains("blue won (zone points)").contains("7.5 s").contains("2 kills")
          .contains("eval win 40%").contains("blue won 75% of the last 20");
      // by update: ep1 (red won), ep0, ep3, ep2 (blue won each): blue's rolling rate is 0, 1/2, 2/3, 3/4
      assertThat(b.js("return document.querySelector('#run-plot-svg polyline.winrate').points.numberOfItems")).isEqualTo(4L);
      assertThat(b.js("return document.querySelector(\"#run-plot-svg circle[data-replay-id='ep1']\").getAttribute('class')"))
          .isEqualTo("episode red");
      b.screenshot("viewer-run-plot");
      b.js("document.querySelector(\"#run-plot-svg circle[data-replay-id='ep0']\")"
          + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))");
      await(b, "ep0 open", Duration.ofSeconds(10), () -> "ep0".equals(state(b).get("replayId"))
          && Boolean.FALSE.equals(state(b).get("followLive")));
    }
  }

  /**
   * What frame 2 adds so that its match is decided: blue reaches the zone score (1), red is the last
   * team standing (2), or nothing is decided (0, 3); each decided one has two kills.
   */
  static String decided(int how) {
    String kills = ",\"events\":[{\"type\":\"kill\",\"shooter\":\"blue_0\",\"target\":\"red_0\"},"
        + "{\"type\":\"kill\",\"shooter\":\"red_1\",\"target\":\"blue_1\"}]";
    return switch (how) {
      case 1 -> kills + ",\"objective\":{\"zone_score\":{\"blue\":15,\"red\":2},\"zone_score_to_win\":15}";
      case 2 -> kills + ",\"mechs\":{\"blue_1\":{\"team\":\"blue\",\"alive\":false},\"red_1\":{\"team\":\"red\",\"alive\":true}}";
      default -> "";
    };
  }

  @SuppressWarnings("unchecked")
  static List<String> points(Browser b, String shape) {
    return (List<String>) b.js("return [...document.querySelectorAll('#run-plot-svg " + shape + "')]"
        + ".map((c) => c.dataset.replayId)");
  }

  @SuppressWarnings("unchecked")
  static List<String> rows(Browser b) {
    return (List<String>) b.js("return [...document.querySelectorAll('#library-list li[data-replay-id]')]"
        + ".map((li) => li.dataset.replayId)");
  }

  @Test
  void aViewerOpenedMidReplaySeesItAtOnceAndTheLibraryOpensOlderReplays() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    ArrayNode frames = (ArrayNode) replay.get("frames");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      s.pushReplay("older", hash, frames, 100);
      // a replay in progress: 2 of 4 chunks pushed before the page opens
      String head = "{\"replay_id\":\"inprogress\",\"world_ref\":\"" + hash + "\",\"chunk_count\":4,\"chunk_index\":";
      for (int i = 0; i < 2; i++) {
        ArrayNode part = frames.arrayNode();
        for (int f = i * 40; f < (i + 1) * 40; f++) part.add(frames.get(f));
        assertThat(s.post("/push", head + i + ",\"frames\":" + part + "}").status()).isEqualTo(200);
      }
      b.driver.get(s.url("/"));
      await(b, "late join", Duration.ofSeconds(60), () -> "inprogress".equals(state(b).get("replayId"))
          && ((Number) state(b).get("frames")).intValue() == 80);
      assertThat(b.driver.findElement(By.id("progress-text")).getText()).contains("chunk 2 / 4");

      b.driver.findElement(By.id("library-toggle")).click();
      await(b, "library list", Duration.ofSeconds(10),
          () -> b.driver.findElements(By.cssSelector("#library-list li")).size() == 2);
      String text = b.driver.findElement(By.id("library-list")).getText();
      assertThat(text).contains("older").contains("complete").contains("inprogress").contains("live");
      // the list refreshes itself, so click through the DOM rather than hold a stale element
      b.js("document.querySelector(\"#library-list li[data-replay-id='older']\").click()");
      await(b, "older replay", Duration.ofSeconds(20), () -> "older".equals(state(b).get("replayId"))
          && Boolean.TRUE.equals(state(b).get("complete")) && ((Number) state(b).get("frames")).intValue() == 185);
      b.screenshot("viewer-library");
      b.driver.findElement(By.id("library-live")).click();
      await(b, "back to live", Duration.ofSeconds(20), () -> "inprogress".equals(state(b).get("replayId")));
    }
  }

  @Test
  void aViewerOnOneRunShowsOnlyThatRunAndItsTrainingInfo() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    ArrayNode frames = (ArrayNode) replay.get("frames");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      b.driver.get(s.url("/?run=alpha"));
      await(b, "connected", Duration.ofSeconds(60), () -> "connected".equals(state(b).get("connection")));
      for (String[] r : new String[][] {{"b1", "beta"}, {"a1", "alpha"}, {"b2", "beta"}}) {
        String run = "{\"name\":\"" + r[1] + "\",\"update\":3,\"global_step\":12288,\"eval\":{\"win_rate\":0.75}}";
        String body = "{\"replay_id\":\"" + r[0] + "\",\"world_ref\":\"" + hash + "\",\"chunk_index\":0,"
            + "\"chunk_count\":1,\"run\":" + run + ",\"frames\":" + frames + "}";
        assertThat(s.post("/push", body).status()).isEqualTo(200);
      }
      await(b, "alpha replay", Duration.ofSeconds(20), () -> "a1".equals(state(b).get("replayId"))
          && Boolean.TRUE.equals(state(b).get("complete")));
      Thread.sleep(500);
      assertThat(state(b).get("replayId")).isEqualTo("a1"); // b2 came later but belongs to another run
      assertThat(((Number) state(b).get("replaysSeen")).intValue()).isEqualTo(1);
      assertThat(b.driver.findElement(By.id("replay-info")).getText())
          .contains("run alpha").contains("update 3").contains("step 12288").contains("eval win 75%");
      await(b, "run picker", Duration.ofSeconds(20),
          () -> b.driver.findElements(By.cssSelector("#run-picker option")).size() == 3);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> info(Browser b) {
    return (Map<String, Object>) b.js("return window.echelon.info()");
  }

  static void clickMech(Browser b, String id) {
    @SuppressWarnings("unchecked")
    Map<String, Number> p = (Map<String, Number>) b.js("return window.echelon.mechScreen(arguments[0])", id);
    assertThat(p).as("mech " + id + " on screen").isNotNull();
    var canvas = b.driver.findElement(By.cssSelector("#canvas-host canvas"));
    var rect = canvas.getRect();
    int dx = (int) Math.round(p.get("x").doubleValue() - (rect.getX() + rect.getWidth() / 2.0));
    int dy = (int) Math.round(p.get("y").doubleValue() - (rect.getY() + rect.getHeight() / 2.0));
    new Actions(b.driver).moveToElement(canvas, dx, dy).click().perform();
  }
}
