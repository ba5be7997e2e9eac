package dev.echelon.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.client.EchelonClient;
import dev.echelon.client.LiveStream;
import dev.echelon.client.PushSummary;
import dev.echelon.core.Json;
import java.io.PrintStream;
import java.util.Locale;

/** The {@code demo} command: a synthetic trainer that streams live matches, one after another. */
final class Demo {
  private final EchelonClient.Builder builder;
  private final int replays;
  private final double speed;
  private final long seed;
  private final PrintStream out;
  private final PrintStream err;

  Demo(EchelonClient.Builder builder, int replays, double speed, long seed, PrintStream out, PrintStream err) {
    this.builder = builder;
    this.replays = replays;
    this.speed = speed;
    this.seed = seed;
    this.out = out;
    this.err = err;
  }

  int run() {
    // Small chunks so a viewer sees a match within seconds of it starting.
    try (EchelonClient client = builder.chunkSize(20, 2L << 20).queueCapacity(1024).build()) {
      DemoArena arena = null;
      for (int n = 0; replays == 0 || n < replays; n++) {
        if (n % 3 == 0) arena = new DemoArena(seed + n); // a new map every third match
        DemoMatch match = new DemoMatch(arena, seed * 31 + n);
        ObjectNode meta = Json.mapper().createObjectNode().put("episode", n).put("source", "echelon demo");
        ObjectNode run = Json.mapper().createObjectNode().put("kind", "demo").put("name", "demo")
            .put("update", n).put("global_step", (long) n * 4096);
        LiveStream stream = client.openStream(arena.world, meta, run);
        out.println("demo: match " + (n + 1) + " started: watch it at " + stream.viewerUrl());
        int frames = 0;
        long t0 = System.nanoTime();
        while (!match.over()) {
          stream.addFrame(match.next());
          frames++;
          long due = t0 + (long) (frames * DemoMatch.DT / speed * 1e9);
          long wait = due - System.nanoTime();
          if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        stream.close();
        try {
          PushSummary s = stream.finished().get();
          out.printf(Locale.ROOT, "demo: match %d streamed: replay %s, %d frames, %d chunks, %.2f MB%n",
              n + 1, s.replayId(), s.frames(), s.chunks(), s.bytes() / 1e6);
        } catch (java.util.concurrent.ExecutionException e) {
          err.println("demo: match " + (n + 1) + " was not delivered: " + e.getCause().getMessage());
          if (replays != 0) return 1;
        }
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
