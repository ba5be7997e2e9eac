package dev.echelon.cli;

import dev.echelon.client.EchelonClient;
import dev.echelon.client.EchelonException;
import dev.echelon.client.PushSummary;
import dev.echelon.client.Replay;
import dev.echelon.client.ReplayFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code echelon push FILE... | demo}: pushes recorded replays, or plays a synthetic trainer that
 * streams live matches, to an Echelon server.
 */
public final class Cli {
  static final String USAGE = """
      usage: echelon push FILE... [--server URL] [--token TOKEN]
             echelon pull REPLAY_ID [-o FILE] [--server URL]
             echelon demo [--server URL] [--token TOKEN] [--replays N] [--speed X] [--seed N]
             echelon COMMAND --help

        push   send replay files in the simulator's {"world", "frames"} format (.json or .json.gz)
        pull   download a replay from the server as such a file (.json.gz)
        demo   a synthetic trainer that streams live matches to the server
        --server defaults to $ECHELON_SERVER or http://127.0.0.1:8090; --token to $ECHELON_PUSH_TOKEN
      """;
  static final String PUSH_USAGE = """
      usage: echelon push FILE... [--server URL] [--token TOKEN]

        Sends each replay file (the simulator's {"world", "frames"} format, .json or .json.gz) to
        the server and prints the viewer URL of each. The replay's meta is the file's meta, with
        its name and its episode/update numbers, so the viewer's library can tell replays apart.

        --server URL    the Echelon server (default $ECHELON_SERVER or http://127.0.0.1:8090)
        --token TOKEN   the server's ECHELON_PUSH_TOKEN, if it has one (default $ECHELON_PUSH_TOKEN)
      exit status: 0 all pushed, 1 some failed, 2 usage error
      """;
  static final String PULL_USAGE = """
      usage: echelon pull REPLAY_ID [-o FILE] [--server URL] [--token TOKEN]

        Downloads a replay the server holds as the simulator's own {"world", "frames"} file,
        gzipped, to run it again, share it, or push it to another server.

        -o FILE         where to write it (default REPLAY_ID.json.gz in this folder)
        --server, --token as for push
      exit status: 0 written, 1 failed (the server does not have it, or cannot be reached), 2 usage error
      """;
  static final String DEMO_USAGE = """
      usage: echelon demo [--server URL] [--token TOKEN] [--replays N] [--speed X] [--seed N]

        A synthetic trainer: procedurally generated arenas, two teams of mechs that move, fight
        and die, streamed live match after match, to see the viewer work without a simulator.

        --replays N   matches to play (default 0 = forever)
        --speed X     playback speed (default 1 = real time)
        --seed N      arena and match seed (default: random)
        --server, --token as for push
      """;

  private Cli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
      String usage = args.length > 1 ? usage(args[1]) : USAGE;
      (args.length == 0 ? err : out).print(usage == null ? USAGE : usage);
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    String usage = usage(command);
    if (usage == null) {
      err.println("echelon: unknown command \"" + command + "\"");
      err.print(USAGE);
      return 2;
    }
    String server = System.getenv().getOrDefault("ECHELON_SERVER", "http://127.0.0.1:8090");
    String token = System.getenv("ECHELON_PUSH_TOKEN");
    int replays = 0;
    double speed = 1.0;
    long seed = System.nanoTime();
    List<String> files = new ArrayList<>();
    String output = null;
    EchelonClient.Builder b;
    try {
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "-h", "--help" -> {
            out.print(usage);
            return 0;
          }
          case "--server" -> server = value(args, ++i, "--server");
          case "--token" -> token = value(args, ++i, "--token");
          case "--replays" -> replays = number(value(args, ++i, "--replays"), "--replays");
          case "--speed" -> speed = Double.parseDouble(value(args, ++i, "--speed"));
          case "--seed" -> seed = number(value(args, ++i, "--seed"), "--seed");
          case "-o", "--output" -> output = value(args, ++i, args[i - 1]);
          default -> {
            if (args[i].startsWith("--")) throw new IllegalArgumentException("unknown option " + args[i] + " for " + command);
            files.add(args[i]);
          }
        }
      }
      if (!(speed > 0)) throw new IllegalArgumentException("--speed must be > 0, got " + speed);
      if (command.equals("demo") && !files.isEmpty()) throw new IllegalArgumentException("demo takes no files");
      if (command.equals("pull") && files.size() != 1) {
        throw new IllegalArgumentException("pull takes one replay id, got " + files.size());
      }
      if (output != null && !command.equals("pull")) throw new IllegalArgumentException("-o is for pull");
      b = EchelonClient.builder().baseUrl(server).token(token);
    } catch (IllegalArgumentException e) {
      err.println("echelon: " + e.getMessage());
      err.print(usage);
      return 2;
    }
    if (command.equals("demo")) return new Demo(b, replays, speed, seed, out, err).run();
    if (command.equals("pull")) return pull(b, files.get(0), output, out, err);
    return push(b, files, out, err);
  }

  private static String usage(String command) {
    return switch (command) {
      case "push" -> PUSH_USAGE;
      case "demo" -> DEMO_USAGE;
      case "pull" -> PULL_USAGE;
      default -> null;
    };
  }

  private static int push(EchelonClient.Builder b, List<String> files, PrintStream out, PrintStream err) {
    if (files.isEmpty()) {
      err.println("echelon: push needs at least one replay file");
      err.print(PUSH_USAGE);
      return 2;
    }
    int failed = 0;
    try (EchelonClient client = b.build()) {
      for (String f : files) {
        Path path = Path.of(f);
        if (Files.isDirectory(path)) {
          err.println("echelon: " + f + " is a directory; pass the replay files in it, e.g. " + path.resolve("*.json.gz"));
          failed++;
          continue;
        }
        if (!Files.isRegularFile(path)) {
          err.println("echelon: " + f + ": no such file");
          failed++;
          continue;
        }
        try {
          Replay replay = ReplayFile.read(path);
          long t0 = System.nanoTime();
          PushSummary s = client.push(replay, (i, n, bytes) -> progress(err, f, i + 1, n, bytes, t0));
          err.println();
          out.printf(Locale.ROOT, "%s: replay %s, %d frames in %d chunks, %.1f MB sent in %.1f s%s%n", f,
              s.replayId(), s.frames(), s.chunks(), s.bytes() / 1e6, s.elapsed().toMillis() / 1000.0,
              s.worldUploaded() ? " (world uploaded)" : " (world already on the server)");
          out.println("  watch it: " + s.viewerUrl());
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

  private static int pull(EchelonClient.Builder b, String id, String output, PrintStream out, PrintStream err) {
    Path file = Path.of(output != null ? output : id + ".json.gz");
    try (EchelonClient client = b.build()) {
      long t0 = System.nanoTime();
      long bytes = client.pull(id, file);
      out.printf(Locale.ROOT, "%s: replay %s, %.1f MB in %.1f s%n", file, id, bytes / 1e6,
          (System.nanoTime() - t0) / 1e9);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("echelon: " + e.getMessage());
      return 2;
    } catch (EchelonException e) {
      err.println("echelon: pull " + id + ": " + e.getMessage());
      return 1;
    }
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

  private static int number(String s, String flag) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got \"" + s + "\"");
    }
  }
}
