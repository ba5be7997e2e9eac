package dev.echelon.server.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ChunkTallyTest {
  /** The simulator's own replay: 185 frames, 5 v 5, blue reaches 15 zone points at t = 16.5. */
  static List<String> fixtureFrames() throws Exception {
    try (InputStream in = new GZIPInputStream(ChunkTallyTest.class.getResourceAsStream("/fixtures/replay-20x20-seed0.json.gz"))) {
      JsonNode frames = Json.mapper().readTree(in).get("frames");
      List<String> out = new ArrayList<>();
      for (JsonNode f : frames) out.add(f.toString());
      return out;
    }
  }

  static ChunkTally tally(List<String> frames) {
    byte[] json = ("[" + String.join(",", frames) + "]").getBytes(StandardCharsets.UTF_8);
    return ChunkTally.of(Payload.Slice.of(json));
  }

  @Test
  void aRealReplayIsDecidedByTheZoneWithItsKillsAndDamageCountedPerTeam() throws Exception {
    Outcome o = Outcome.NONE.plus(0, tally(fixtureFrames()));
    // expected figures computed independently (Python over the same file)
    assertThat(o.winner()).isEqualTo("blue");
    assertThat(o.rule(true)).isEqualTo("zone");
    assertThat(o.decidedAtSeconds()).isCloseTo(16.25, within(1e-9));
    assertThat(o.durationSeconds()).isCloseTo(46.0, within(1e-9));
    assertThat(o.ticks()).isEqualTo(920);
    assertThat(o.kills()).isEqualTo(9);
    assertThat(o.teams().get("blue")).satisfies(t -> {
      assertThat(t.kills()).isEqualTo(5);
      assertThat(t.deaths()).isEqualTo(4);
      assertThat(t.alive()).isEqualTo(1);
      assertThat(t.damage()).isCloseTo(701.9, within(1e-6));
      assertThat(t.reward()).isNaN();
    });
    assertThat(o.teams().get("red")).satisfies(t -> {
      assertThat(t.kills()).isEqualTo(4);
      assertThat(t.deaths()).isEqualTo(5);
      assertThat(t.alive()).isZero();
      assertThat(t.damage()).isCloseTo(580.7, within(1e-6));
    });
    assertThat(o.zoneScore().get("blue")).isGreaterThan(15);
    assertThat(o.zoneScoreToWin()).isEqualTo(15.0);
    assertThat(o.mechs().get("blue_1").zoneSeconds()).isCloseTo(12.5, within(1e-6));
    assertThat(o.mechs().get("blue_0").zoneSeconds()).isCloseTo(17.5, within(1e-6));
  }

  @Test
  void chunksFoldedInAnyOrderGiveWhatTheWholeReplayGives() throws Exception {
    List<String> frames = fixtureFrames();
    Outcome whole = Outcome.NONE.plus(0, tally(frames));
    Map<Integer, ChunkTally> chunks = new LinkedHashMap<>();
    for (int i = 0, at = 0; at < frames.size(); i++, at += 23) {
      chunks.put(i, tally(frames.subList(at, Math.min(frames.size(), at + 23))));
    }
    List<Integer> backwards = new ArrayList<>(chunks.keySet());
    java.util.Collections.reverse(backwards);
    Outcome folded = Outcome.NONE;
    for (int i : backwards) folded = folded.plus(i, chunks.get(i)); // chunk 1 before chunk 0 is allowed
    assertThat(folded.winner()).isEqualTo(whole.winner());
    assertThat(folded.decidedAtSeconds()).isEqualTo(whole.decidedAtSeconds());
    assertThat(folded.durationSeconds()).isEqualTo(whole.durationSeconds());
    assertThat(folded.teams()).isEqualTo(whole.teams());
    assertThat(Outcome.of(chunks).teams()).isEqualTo(whole.teams());
    for (var m : whole.mechs().entrySet()) {
      var f = folded.mechs().get(m.getKey());
      assertThat(f.kills()).isEqualTo(m.getValue().kills());
      assertThat(f.dealt()).isCloseTo(m.getValue().dealt(), within(1e-6));
      assertThat(f.zoneSeconds()).as(m.getKey()).isCloseTo(m.getValue().zoneSeconds(), within(1e-6));
    }
  }

  @Test
  void aTallyReadsBackFromItsStoredBytes() throws Exception {
    ChunkTally t = tally(fixtureFrames().subList(60, 120));
    ChunkTally back = ChunkTally.decode(t.encode());
    assertThat(back).isEqualTo(t);
    assertThat(ChunkTally.decode(java.util.Arrays.copyOf(t.encode(), 40))).as("a torn one adds nothing").isEqualTo(ChunkTally.EMPTY);
  }

  @Test
  void whitespaceEscapesAndBracketsInsideStringsChangeNothing() throws Exception {
    List<String> frames = fixtureFrames().subList(40, 100);
    ChunkTally compact = tally(frames);
    List<String> pretty = new ArrayList<>();
    var printer = Json.mapper().writerWithDefaultPrettyPrinter();
    for (String f : frames) {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(f);
      node.put("note", "a ] } \\\" [ { , : \u00e9");
      node.withObject("objective").putArray("extra").add("]").addObject().put("x", "}");
      pretty.add(printer.writeValueAsString(node).replace("\"red_2\"", "\"red\\u005f2\""));
    }
    assertThat(tally(pretty)).isEqualTo(compact);
  }

  @Test
  void rewardsUnderRlOrBesideTheMechAddUpToATeamReturn() {
    String f1 = "{\"t\":1,\"mechs\":{\"a\":{\"team\":\"blue\",\"alive\":true,\"rl\":{\"reward\":0.5,\"value\":3}},"
        + "\"b\":{\"team\":\"red\",\"alive\":true,\"reward\":-1}}}";
    String f2 = "{\"t\":2,\"mechs\":{\"a\":{\"team\":\"blue\",\"alive\":true,\"rl\":{\"reward\":0.25}},"
        + "\"b\":{\"team\":\"red\",\"alive\":false,\"reward\":-2}}}";
    Outcome o = Outcome.NONE.plus(0, tally(List.of(f1, f2)));
    assertThat(o.teams().get("blue").reward()).isEqualTo(0.75);
    assertThat(o.teams().get("red").reward()).isEqualTo(-3.0);
    assertThat(o.winner()).as("red has no mech standing at t = 2").isEqualTo("blue");
    assertThat(o.rule(false)).isEqualTo("elimination");
  }

  @Test
  void framesOfAnotherShapeAddNothingAndAreNeverRefused() {
    assertThat(tally(List.of("{\"t\":\"soon\",\"mechs\":[1,2],\"events\":{\"x\":1}}", "[]", "3", "{\"pad\":\"x\"}")))
        .satisfies(t -> {
          assertThat(t.mechs()).isEmpty();
          assertThat(t.decision()).isNull();
        });
    Outcome o = Outcome.NONE.plus(0, tally(List.of("{\"t\":1}", "{\"t\":4.5}")));
    assertThat(o.durationSeconds()).isEqualTo(3.5);
    assertThat(o.rule(true)).isEqualTo("time-out");
    assertThat(o.rule(false)).isEqualTo("undecided");
    assertThat(o.winner()).isNull();
  }

  @Test
  void bothTeamsReachingTheScoreInOneFrameIsADraw() {
    String f = "{\"t\":3,\"objective\":{\"zone_score\":{\"blue\":15,\"red\":15.5},\"zone_score_to_win\":15}}";
    Outcome o = Outcome.NONE.plus(0, tally(List.of(f)));
    assertThat(o.winner()).isNull();
    assertThat(o.rule(true)).isEqualTo("zone");
  }
}
