package dev.echelon.server;

import static dev.echelon.server.ViewerIT.await;
import static dev.echelon.server.ViewerIT.clickMech;
import static dev.echelon.server.ViewerIT.state;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.interactions.Actions;

/** The viewer as an analysis tool, in headless Chromium against the real server. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class ViewerAnalysisIT {
  @TempDir Path runs;

  static double num(Browser b, String key) {
    return ((Number) state(b).get(key)).doubleValue();
  }

  static void key(Browser b, String keys) {
    new Actions(b.driver).sendKeys(keys).perform();
  }

  @Test
  void selectingAMechTakesControlShowsItsPlotsAndTheTimelineJumpsBetweenEvents() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    ArrayNode frames = (ArrayNode) replay.get("frames");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      b.driver.get(s.url("/"));
      await(b, "connected", Duration.ofSeconds(60), () -> "connected".equals(state(b).get("connection")));
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      s.pushReplay("first", hash, frames, 100);
      await(b, "complete", Duration.ofSeconds(30), () -> Boolean.TRUE.equals(state(b).get("complete")));
      assertThat(state(b).get("intake")).as("JSON is parsed in the intake Worker").isEqualTo("worker");
      await(b, "world meshed", Duration.ofSeconds(20), () -> !Boolean.TRUE.equals(((java.util.Map<?, ?>) state(b).get("world")).get("pending")));

      // the timeline has the fixture's kills and deaths; '.' and ',' jump between them
      await(b, "markers", Duration.ofSeconds(10), () -> num(b, "markers") > 0);
      List<?> markerFrames = (List<?>) b.js("return [...document.querySelectorAll('#markers .marker')].map(m => Number(m.dataset.frame))");
      assertThat(b.driver.findElements(By.cssSelector("#markers .marker.kill"))).isNotEmpty();
      b.driver.findElement(By.id("play")).click(); // pause
      b.js("document.getElementById('scrub').blur()");
      key(b, "."); // from wherever playback was: the next marker after it
      double t1 = num(b, "time");
      key(b, ".");
      double t2 = num(b, "time");
      assertThat(t2).isGreaterThan(t1);
      key(b, ",");
      assertThat(num(b, "time")).isEqualTo(t1);
      assertThat(markerFrames).isSorted();

      // selecting a mech: ring, inspector with groups and plots, list row; follow-live is off now
      clickMech(b, "blue_0");
      await(b, "selected", Duration.ofSeconds(10), () -> "blue_0".equals(state(b).get("selected")));
      assertThat(state(b).get("followLive")).isEqualTo(false);
      assertThat(b.driver.findElement(By.id("plots")).isDisplayed()).isTrue();
      assertThat(b.driver.findElements(By.cssSelector("#entity-list li"))).hasSize(10);
      await(b, "list row", Duration.ofSeconds(5),
          () -> !b.driver.findElements(By.cssSelector("#entity-list li.selected[data-mech='blue_0']")).isEmpty());
      assertThat(b.driver.findElements(By.cssSelector("#entity-list li.dead"))).as("someone died by the end").isNotEmpty();
      assertThat((String) state(b).get("url")).contains("replay=first").contains("mech=blue_0");

      // a new replay does not take the screen away: a notice offers it
      s.pushReplay("second", hash, frames, 100);
      await(b, "notice", Duration.ofSeconds(20), () -> Boolean.TRUE.equals(state(b).get("notice")));
      assertThat(state(b).get("replayId")).isEqualTo("first");
      assertThat(state(b).get("pendingId")).isEqualTo("second");

      // camera presets: top-down looks straight down, follow tracks the selection, reset frames the match
      key(b, "v");
      List<?> top = (List<?>) state(b).get("camera");
      assertThat(((Number) top.get(2)).doubleValue()).isGreaterThan(20);
      key(b, "f");
      assertThat(state(b).get("follow")).isEqualTo(true);
      key(b, "r");
      assertThat(state(b).get("follow")).isEqualTo(false);
      assertThat(state(b).get("camera")).isNotEqualTo(top);

      // labels toggle, help overlay with the legend, screenshot, Escape deselects
      key(b, "t");
      assertThat(state(b).get("labels")).isEqualTo(false);
      key(b, "?");
      assertThat(b.driver.findElement(By.id("help")).isDisplayed()).isTrue();
      assertThat(b.driver.findElement(By.id("help")).getText()).contains("top-down view").contains("lava").contains("capture zone ring");
      b.screenshot("viewer-help");
      key(b, "\uE00C"); // Escape
      assertThat(state(b).get("helpShown")).isEqualTo(false);
      key(b, "s");
      await(b, "screenshot", Duration.ofSeconds(15), () -> num(b, "screenshots") == 1);
      key(b, "\uE00C");
      assertThat(state(b).get("selected")).isNull();
    }
  }

  @Test
  void aDeepLinkToAReplayNotInTheArchiveSaysSoKeepsTheLinkAndDoesNotSwitchToALiveOne() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      b.driver.get(s.url("/?replay=doesnotexist&t=12"));
      await(b, "the message", Duration.ofSeconds(60), () -> state(b).get("missing") != null
          && "connected".equals(state(b).get("connection")));
      assertThat((String) state(b).get("missing")).contains("doesnotexist").contains("not in the archive")
          .contains("retention");
      assertThat(b.driver.findElement(By.id("missing")).isDisplayed()).isTrue();

      s.pushReplay("live1", hash, (ArrayNode) replay.get("frames"), 100); // a trainer goes on meanwhile
      await(b, "the new-replay notice", Duration.ofSeconds(20), () -> Boolean.TRUE.equals(state(b).get("notice")));
      assertThat(state(b).get("replayId")).as("nothing else is shown in its place").isNull();
      assertThat((String) state(b).get("url")).contains("replay=doesnotexist").contains("t=12");
      b.screenshot("viewer-deep-link-missing");

      b.driver.findElement(By.id("missing-live")).click();
      await(b, "live replay", Duration.ofSeconds(20), () -> "live1".equals(state(b).get("replayId")));
      assertThat(state(b).get("missing")).isNull();
      assertThat((String) state(b).get("url")).doesNotContain("doesnotexist");
    }
  }

  @Test
  void theEventLogListsKillsAndHitsAndClickingOneJumpsThere() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      s.pushReplay("logged", hash, (ArrayNode) replay.get("frames"), 100);
      b.driver.get(s.url("/"));
      await(b, "the replay", Duration.ofSeconds(60), () -> "logged".equals(state(b).get("replayId"))
          && Boolean.TRUE.equals(state(b).get("complete")));
      b.driver.findElement(By.id("event-log-toggle")).click();
      // the fixture, read independently: 9 kills, 83 hits that name a target and damage
      await(b, "the kills", Duration.ofSeconds(10),
          () -> b.driver.findElements(By.cssSelector("#event-log-list li.kill")).size() == 9);
      assertThat(b.driver.findElements(By.cssSelector("#event-log-list li.kill")).get(0).getText())
          .contains("blue_0 killed red_4");
      b.driver.findElement(By.id("event-log-hits")).click();
      await(b, "kills and hits", Duration.ofSeconds(10),
          () -> b.driver.findElements(By.cssSelector("#event-log-list li")).size() == 92);
      b.screenshot("viewer-event-log");
      b.js("document.querySelectorAll('#event-log-list li.kill')[2].click()"); // blue_0 kills red_3, frame 6
      await(b, "the jump", Duration.ofSeconds(10), () -> Boolean.FALSE.equals(state(b).get("playing")));
      assertThat(num(b, "time")).isBetween(1.45, 1.55);
      assertThat(state(b).get("followLive")).isEqualTo(false);
    }
  }

  @Test
  void at1280By720NothingIsCutOffAndTheDefaultCameraFramesEveryMech() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      b.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 720));
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      s.pushReplay("layout", hash, (ArrayNode) replay.get("frames"), 100);
      b.driver.get(s.url("/?replay=layout&t=2"));
      await(b, "the replay", Duration.ofSeconds(60), () -> "layout".equals(state(b).get("replayId"))
          && Boolean.TRUE.equals(state(b).get("complete")) && Boolean.FALSE.equals(state(b).get("playing")));
      key(b, "r"); // the default view
      Thread.sleep(300);
      @SuppressWarnings("unchecked")
      List<String> ids = (List<String>) b.js("return window.echelon.mechIds()");
      assertThat(ids).hasSize(10);
      for (String id : ids) {
        assertThat((Boolean) b.js("const p = window.echelon.mechScreen(arguments[0]);"
            + " const c = document.querySelector('#canvas-host canvas').getBoundingClientRect();"
            + " return p != null && p.x >= c.left && p.x <= c.right && p.y >= c.top && p.y <= c.bottom", id))
            .as("mech %s is in view", id).isTrue();
      }
      // the time axis has labelled ticks; kills a few pixels apart share one marker with a count
      assertThat((List<?>) b.js("return [...document.querySelectorAll('#ticks .tick')].map((t) => t.textContent)"))
          .isEqualTo(List.of("0 s", "10 s", "20 s", "30 s", "40 s"));
      String group = (String) b.js("const g = [...document.querySelectorAll('#markers .marker.group')]"
          + ".find((m) => m.title.includes('blue_0 killed red_4')); return g ? g.textContent + '|' + g.title : null");
      assertThat(group).as("the first three kills, within 0.25 s, grouped").isNotNull().startsWith("3|")
          .contains("red_0 killed blue_3").contains("blue_0 killed red_3");
      b.js("[...document.querySelectorAll('#markers .marker.group')].find((m) => m.title.includes('red_4')).click()");
      await(b, "the group's first frame", Duration.ofSeconds(5), () -> Math.abs(num(b, "time") - 1.25) < 0.01);
      clickMech(b, ids.get(0));
      await(b, "selected", Duration.ofSeconds(10), () -> ids.get(0).equals(state(b).get("selected")));
      assertThat((Boolean) b.js("const t = document.getElementById('topbar'); return t.scrollWidth <= t.clientWidth"))
          .as("the top bar fits at 1280 px").isTrue();
      b.screenshot("viewer-1280x720-selected");
      for (String button : List.of("inspect-close", "inspect-path", "inspect-follow", "play", "speed", "follow")) {
        assertThat((Boolean) b.js("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
            + " return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth",
            button)).as("#%s is on screen: %s", button, b.js("return JSON.stringify(document.getElementById("
            + "arguments[0]).getBoundingClientRect()) + ' in ' + innerWidth + 'x' + innerHeight", button)).isTrue();
      }
      s.pushReplay("newer", hash, (ArrayNode) replay.get("frames"), 100);
      await(b, "the notice", Duration.ofSeconds(20), () -> Boolean.TRUE.equals(state(b).get("notice")));
      assertThat((Boolean) b.js("const p = window.echelon.mechScreen(arguments[0]);"
          + " const n = document.getElementById('notice').getBoundingClientRect();"
          + " return p.x < n.left || p.x > n.right || p.y < n.top || p.y > n.bottom", ids.get(0)))
          .as("the notice leaves the selected mech in view").isTrue();
      b.screenshot("viewer-1280x720");
    }
  }

  @Test
  void anyNumericFieldOfTheSelectedMechCanBePlottedRlSignalsAndTeamTotalsIncluded() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    ArrayNode frames = ((ArrayNode) replay.get("frames")).deepCopy();
    for (int i = 0; i < frames.size(); i++) { // RL signals the trainer attached: reward = frame % 5 for every mech
      int reward = i % 5;
      frames.get(i).get("mechs").fields().forEachRemaining(m -> ((com.fasterxml.jackson.databind.node.ObjectNode)
          m.getValue()).putObject("rl").put("reward", reward).put("value", 0.25));
    }
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      s.pushReplay("signals", hash, frames, 100);
      b.driver.get(s.url("/?replay=signals&t=5&mech=blue_1"));
      await(b, "the mech", Duration.ofSeconds(60), () -> "blue_1".equals(state(b).get("selected"))
          && Boolean.FALSE.equals(state(b).get("playing")));
      await(b, "the picker", Duration.ofSeconds(10), () -> b.driver.findElements(
          By.cssSelector("#plot-field option[value='rl.reward']")).size() == 1);
      assertThat(b.driver.findElements(By.cssSelector("#plot-field option[value='rl.value']"))).hasSize(1);
      assertThat(b.driver.findElements(By.cssSelector("#plot-field option[value='stability']"))).hasSize(1);
      new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("plot-field"))).selectByValue("rl.reward");
      await(b, "the reward plotted", Duration.ofSeconds(10), () -> "rl.reward".equals(plot(b).get("field")));
      double one = ((Number) plot(b).get("now")).doubleValue();
      assertThat(one).isBetween(0.0, 4.0);
      assertThat(((Number) plot(b).get("max")).doubleValue()).isEqualTo(4.0);
      b.driver.findElement(By.id("plot-total")).click();
      await(b, "the team total", Duration.ofSeconds(10), () -> Boolean.TRUE.equals(plot(b).get("total")));
      // blue has five mechs, each with the same reward in a frame
      assertThat(((Number) plot(b).get("now")).doubleValue()).isEqualTo(5 * one);
      assertThat(((Number) plot(b).get("max")).doubleValue()).isEqualTo(20.0);
      b.screenshot("viewer-rl-plot");
    }
  }

  @SuppressWarnings("unchecked")
  static java.util.Map<String, Object> plot(Browser b) {
    Object p = state(b).get("plot");
    return p == null ? java.util.Map.of() : (java.util.Map<String, Object>) p;
  }

  @Test
  void aDeepLinkOpensTheReplayAtThatTimeWithTheMechSelected() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      s.pushReplay("linked", hash, (ArrayNode) replay.get("frames"), 100);
      s.pushReplay("newer", hash, (ArrayNode) replay.get("frames"), 100);
      b.driver.get(s.url("/?replay=linked&t=20&mech=red_1"));
      await(b, "deep link", Duration.ofSeconds(60), () -> "linked".equals(state(b).get("replayId"))
          && "red_1".equals(state(b).get("selected")));
      assertThat(state(b).get("playing")).isEqualTo(false);
      assertThat(num(b, "time")).isBetween(19.7, 20.3);
      assertThat(b.driver.findElement(By.id("inspect-title")).getText()).startsWith("red_1");
      b.screenshot("viewer-deep-link");

      // at 1440 px the top bar fits, and the scrubber does not move when play toggles
      b.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1440, 900));
      Thread.sleep(300);
      assertThat((Boolean) b.js("const t = document.getElementById('topbar'); return t.scrollWidth <= t.clientWidth"))
          .as("top bar overflows at 1440 px").isTrue();
      assertThat((Boolean) b.js("const i = document.getElementById('replay-info'); return i.scrollWidth <= i.clientWidth"))
          .as("replay info is cut at 1440 px: " + b.js("return document.getElementById('replay-info').textContent")).isTrue();
      var scrub = b.driver.findElement(By.id("scrub"));
      var before = scrub.getRect();
      b.driver.findElement(By.id("play")).click();
      Thread.sleep(200);
      assertThat(scrub.getRect().getX()).isEqualTo(before.getX());
      assertThat(scrub.getRect().getWidth()).isEqualTo(before.getWidth());
    }
  }

  @Test
  void aReplayWithNoFramesClearsThePreviousHud() throws Exception {
    JsonNode replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    try (TestServer s = TestServer.start(runs); Browser b = new Browser()) {
      b.driver.get(s.url("/"));
      await(b, "connected", Duration.ofSeconds(60), () -> "connected".equals(state(b).get("connection")));
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      s.pushReplay("full", hash, (ArrayNode) replay.get("frames"), 100);
      await(b, "score shown", Duration.ofSeconds(30), () -> b.driver.findElement(By.id("score")).isDisplayed());
      String empty = "{\"replay_id\":\"empty\",\"world_ref\":\"" + hash + "\",\"chunk_index\":0,\"chunk_count\":1,\"frames\":[]}";
      assertThat(s.post("/push", empty).status()).isEqualTo(200);
      await(b, "the next match waiting", Duration.ofSeconds(20), () -> "empty".equals(state(b).get("pendingId")));
      b.driver.findElement(By.id("notice-jump")).click(); // rather than watch "full" to its end
      await(b, "empty replay", Duration.ofSeconds(20), () -> "empty".equals(state(b).get("replayId")));
      await(b, "score hidden", Duration.ofSeconds(5), () -> !b.driver.findElement(By.id("score")).isDisplayed());
      assertThat(b.driver.findElement(By.id("time")).getText()).isEqualTo("0.0 s / 0.0 s");
      assertThat(b.driver.findElements(By.cssSelector("#killfeed li"))).isEmpty();
    }
  }
}
