package dev.echelon.client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code java -jar echelon-client.jar push FILE... | demo}: pushes recorded replays, or plays a
 * synthetic trainer that streams live matches, to an Echelon server.
 */
public final class Cli {
  static final String USAGE = """
      usage: java -jar echelon-client.jar push FILE... [--server URL] [--token TOKEN]
             java -jar echelon-client.jar demo [--server URL] [--token TOKEN] [--replays N] [--speed X] [--seed N]

        push   send replay files in the simulator's {"world", "frames"} format (.json or .json.gz)
        demo   a synthetic trainer: procedurally generated arenas, two teams of mechs that move,
               fight and die, streamed live match after match (--replays 0 = forever, the default;
               --speed 1 = real time)
        --server defaults to $ECHELON_SERVER or http://127.0.0.1:8090
      """;

  private Cli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String server = System.getenv().getOrDefault("ECHELON_SERVER", "http://127.0.0.1:8090");
    String token = System.getenv("ECHELON_PUSH_TOKEN");
    int replays = 0;
    double speed = 1.0;
    long seed = System.nanoTime();
    List<String> files = new ArrayList<>();
    try {
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--server" -> server = value(args, ++i, "--server");
          case "--token" -> token = value(args, ++i, "--token");
          case "--replays" -> replays = Integer.parseInt(value(args, ++i, "--replays"));
          case "--speed" -> speed = Double.parseDouble(value(args, ++i, "--speed"));
          case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
          default -> {
            if (args[i].startsWith("--")) throw new IllegalArgumentException("unknown option " + args[i]);
            files.add(args[i]);
          }
        }
      }
      if (!(speed > 0)) throw new IllegalArgumentException("--speed must be > 0, got " + speed);
    } catch (IllegalArgumentException e) {
      err.println("echelon: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    EchelonClient.Builder b = EchelonClient.builder().baseUrl(server).token(token);
    return switch (args[0]) {
      case "push" -> push(b, files, out, err);
      case "demo" -> new Demo(b, replays, speed, seed, out, err).run();
      default -> {
        err.println("echelon: unknown command " + args[0]);
        err.print(USAGE);
        yield 2;
      }
    };
  }

  private static int push(EchelonClient.Builder b, List<String> files, PrintStream out, PrintStream err) {
    if (files.isEmpty()) {
      err.println("echelon: push needs at least one replay file");
      return 2;
    }
    int failed = 0;
    try (EchelonClient client = b.build()) {
      for (String f : files) {
        Path path = Path.of(f);
        if (!Files.isRegularFile(path)) {
          err.println("echelon: " + f + ": no such file");
          failed++;
          continue;
        }
        try {
          Replay replay = ReplayFile.read(path, null);
          long t0 = System.nanoTime();
          PushSummary s = client.push(replay, (i, n, bytes) -> progress(err, f, i + 1, n, bytes, t0));
          err.println();
          out.printf(Locale.ROOT, "%s: replay %s, %d frames in %d chunks, %.1f MB sent in %.1f s%s%n", f,
              s.replayId(), s.frames(), s.chunks(), s.bytes() / 1e6, s.elapsed().toMillis() / 1000.0,
              s.worldUploaded() ? " (world uploaded)" : " (world already on the server)");
        } catch (IOException | IllegalArgumentException e) {
          err.println("echelon: " + f + ": " + e.getMessage());
          failed++;
        } catch (EchelonException e) {
          err.println();
          err.println("echelon: " + f + ": " + e.getMessage());
          failed++;
        }
      }
    }
    return failed == 0 ? 0 : 1;
  }

  static void progress(PrintStream err, String name, int chunk, int count, long bytes, long t0) {
    int width = 24;
    int done = (int) ((long) chunk * width / Math.max(1, count));
    double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
    err.printf(Locale.ROOT, "\r%s [%s%s] chunk %d/%d  %.1f MB  %.1f MB/s ", name, "#".repeat(done),
        " ".repeat(width - done), chunk, count, bytes / 1e6, bytes / 1e6 / secs);
    err.flush();
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
    return args[i];
  }
}
