package dev.echelon.server.log;

import static dev.echelon.server.log.LogFixtures.append;
import static dev.echelon.server.log.LogFixtures.chunk;
import static dev.echelon.server.log.LogFixtures.matchFrames;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replay's outcome folds every chunk it holds, even when reading a tally failed for a while. */
class OutcomeFoldTest {
  @TempDir Path runs;
  @TempDir Path clean;

  /** Opens of a replay log for reading fail while {@code failing[0]} is set (writes go on). */
  private static Storage failingReads(boolean[] failing) {
    return new ForwardingStorage(Storage.disk()) {
      @Override public FileChannel open(Path file, OpenOption... options) throws IOException {
        if (failing[0] && file.endsWith(ReplayLogFile.LOG) && !List.of(options).contains(StandardOpenOption.WRITE)) {
          throw new IOException("Input/output error");
        }
        return super.open(file, options);
      }
    };
  }

  private static String folded(Outcome o) {
    return o.kills() + " kills, " + o.durationSeconds() + " s, winner " + o.winner() + ", teams " + o.teams();
  }

  @Test
  void anOutcomeThatMissedAnUnreadableTallyFoldsItInAtTheNextChunkAndAtStartUp() throws Exception {
    String expected;
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(clean))) {
      for (int i = 0; i < 4; i++) append(log, chunk("m", i, 4, matchFrames(2, i, 20)));
      expected = folded(log.catalog().find("m").orElseThrow().outcome());
    }
    boolean[] failing = {false};
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs), failingReads(failing),
        java.time.InstantSource.system())) {
      for (int i = 0; i < 2; i++) append(log, chunk("m", i, 4, matchFrames(2, i, 20)));
      ReplayState s = log.replays.get("m");
      failing[0] = true;
      s.refold(); // as after a damaged chunk was found: every tally read fails
      assertThat(s.outcomeChunks).as("the outcome says it folds none of the 2 chunks").isZero();
      append(log, chunk("m", 2, 4, matchFrames(2, 2, 20))); // still failing: this record's outcome folds 1 of 3
      assertThat(s.outcomeChunks).isEqualTo(1);
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) { // the reads work again
      assertThat(log.replays.get("m").outcomeChunks).as("start-up folded every chunk again").isEqualTo(3);
      append(log, chunk("m", 3, 4, matchFrames(2, 3, 20)));
      assertThat(folded(log.catalog().find("m").orElseThrow().outcome())).isEqualTo(expected);
    }
    failing[0] = false;
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs), failingReads(failing),
        java.time.InstantSource.system())) {
      ReplayState s = log.replays.get("m");
      failing[0] = true;
      s.refold();
      failing[0] = false;
      append(log, chunk("n", 0, 1, matchFrames(3, 0, 20))); // another replay: "m" stays short until its own chunk
      assertThat(s.outcomeChunks).isZero();
    }
  }

  @Test
  void aTallyReadThatFailsOnceIsReadAgain() throws Exception {
    int[] failuresLeft = {0};
    Storage flaky = new ForwardingStorage(Storage.disk()) {
      @Override public FileChannel open(Path file, OpenOption... options) throws IOException {
        if (failuresLeft[0] > 0 && file.endsWith(ReplayLogFile.LOG) && !List.of(options).contains(StandardOpenOption.WRITE)) {
          failuresLeft[0]--;
          throw new IOException("Input/output error");
        }
        return super.open(file, options);
      }
    };
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs), flaky, java.time.InstantSource.system())) {
      for (int i = 0; i < 3; i++) append(log, chunk("m", i, 3, matchFrames(2, i, 20)));
      ReplayState s = log.replays.get("m");
      String before = folded(s.outcome);
      failuresLeft[0] = 2;
      s.refold();
      assertThat(s.outcomeChunks).isEqualTo(3);
      assertThat(folded(s.outcome)).isEqualTo(before);
    }
  }
}
