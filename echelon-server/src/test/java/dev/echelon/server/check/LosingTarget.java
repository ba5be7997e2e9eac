package dev.echelon.server.check;

import dev.echelon.server.log.LogFiles;
import java.nio.file.Path;

/**
 * A disk that loses what the server wrote since it was last restarted (as one that lies about
 * fsync would), to show the checker finds such a loss and shrinks its history.
 */
final class LosingTarget extends SimTarget {
  LosingTarget(Workload.Settings settings, long seed, History history) {
    super(settings, seed, history);
  }

  @Override public void restart() {
    for (String p : disk.tree(RUNS.resolve("replays"))) {
      if (p.endsWith("/" + LogFiles.logName())) disk.truncate(Path.of(p), 0);
    }
    super.restart();
  }
}
