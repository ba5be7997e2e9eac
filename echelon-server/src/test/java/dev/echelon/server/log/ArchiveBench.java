package dev.echelon.server.log;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./bench.sh archive [--replays N] [--keep K] [--runs R] [--dir D] [--jar JAR]}: builds an
 * archive of N replays (three chunks each, last pushed two days ago) once, then, R times on a
 * hard-linked copy, starts the real server in its own JVM and measures (1) start-up over the whole
 * archive: time to the first {@code /health} 200 and the process's peak RSS, and (2) retention
 * trimming it to K replays: time until {@code /replays} lists K. {@code --jar} measures another
 * build (e.g. an older one) on the same archive.
 */
public final class ArchiveBench {
  private ArchiveBench() {}

  public static void main(String[] args) throws Exception {
    int replays = 20_000;
    int keep = 500;
    int runs = 3;
    Path dir = null;
    String jar = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--replays" -> replays = Integer.parseInt(args[++i]);
        case "--keep" -> keep = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--jar" -> jar = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: ArchiveBench [--replays N] [--keep K] [--runs R] [--dir D] [--jar JAR]");
      }
    }
    if (dir == null) dir = Path.of(System.getProperty("java.io.tmpdir"), "echelon-archive-" + replays);
    Path archive = dir.resolve("runs");
    if (!Files.isDirectory(archive.resolve("replays")) || count(archive) < replays) build(archive, replays);
    System.out.printf("archive: %d replays, %d MB in %s%n", count(archive), du(archive) >> 20, archive);
    List<Double> starts = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> trims = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      Path copy = dir.resolve("run" + r);
      copy(archive, copy); // trimming unlinks the copy's names only
      try (Server s = new Server(jar, copy, replays + 1)) {
        starts.add(s.upSeconds);
        rss.add(s.peakRssMb());
      }
      copy(archive, copy);
      try (Server s = new Server(jar, copy, keep)) {
        while (s.total() > keep) Thread.sleep(20);
        trims.add((System.nanoTime() - s.startedNanos) / 1e9);
        System.out.printf("run %d: start-up %.2f s, peak RSS %.0f MB; %d -> %d replays within %.2f s of starting the"
            + " server%n", r, starts.get(r - 1), rss.get(r - 1), replays, keep, trims.get(r - 1));
      }
      exec("rm", "-rf", copy.toString());
    }
    System.out.printf("median of %d: start-up over %d replays %.2f s, peak RSS %.0f MB; trimmed to %d within %.2f s%n", runs,
        replays, median(starts), median(rss), keep, median(trims));
  }

  /** The server in a JVM of its own, started on {@code runs} with a replay budget. */
  static final class Server implements AutoCloseable {
    final Process process;
    final int port;
    final double upSeconds;
    final long startedNanos;
    final HttpClient http = HttpClient.newHttpClient();

    Server(String jar, Path runs, int retainReplays) throws Exception {
      try (var s = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
      }
      List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
      Path options = Path.of("scripts", "server.jvm"); // the JVM options ./echelon server starts it with
      if (java.nio.file.Files.exists(options)) cmd.add("@" + options.toAbsolutePath());
      if (jar != null) cmd.addAll(List.of("-jar", jar));
      else cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.echelon.server.Main"));
      cmd.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(port)));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(runs.resolveSibling(runs.getFileName() + ".log").toFile());
      pb.environment().put("ECHELON_RUNS_DIR", runs.toString());
      pb.environment().put("ECHELON_RETAIN_MAX_REPLAYS", String.valueOf(retainReplays));
      pb.environment().put("ECHELON_RETAIN_MAX_BYTES", String.valueOf(1L << 40));
      startedNanos = System.nanoTime();
      process = pb.start();
      while (!healthy()) {
        if (!process.isAlive()) throw new IllegalStateException("the server exited; see " + runs + ".log");
        Thread.sleep(10);
      }
      upSeconds = (System.nanoTime() - startedNanos) / 1e9;
    }

    private boolean healthy() {
      try {
        return get("/health").contains("\"ok\"");
      } catch (IOException | InterruptedException e) {
        return false;
      }
    }

    String get(String path) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }

    int total() throws IOException, InterruptedException {
      String body = get("/replays?limit=1");
      int at = body.indexOf("\"total\":");
      return Integer.parseInt(body.substring(at + 8).replaceAll("[^0-9].*$", ""));
    }

    /** VmHWM: the most memory the process ever had resident. */
    double peakRssMb() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
      return -1;
    }

    @Override public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
  }

  /** Writes N replays of three chunks, pushed two days ago, through the log itself (fsync off, several at once). */
  static void build(Path runs, int n) throws Exception {
    exec("rm", "-rf", runs.toString());
    FileReplayLog.Options o = new FileReplayLog.Options(runs, false, 1 << 20, Long.MAX_VALUE, Integer.MAX_VALUE, 4,
        1 << 20, Duration.ofDays(365), Duration.ofSeconds(30));
    long twoDaysAgo = System.currentTimeMillis() - Duration.ofDays(2).toMillis();
    AtomicInteger done = new AtomicInteger();
    try (FileReplayLog log = FileReplayLog.open(o)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      for (int r = 0; r < n; r++) {
        int k = r;
        pool.execute(() -> {
          for (int i = 0; i < 3; i++) {
            PushedChunk c = LogFixtures.chunk(String.format("r%06d", k), i, 3, LogFixtures.matchFrames(k, i, 20));
            log.append(c, dev.echelon.server.live.EventFormat::chunk, twoDaysAgo + k * 1000L + i);
          }
          int d = done.incrementAndGet();
          if (d % 5000 == 0) System.out.printf("building the archive: %d/%d replays%n", d, n);
        });
      }
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.HOURS);
    }
    // written without forcing (fast), it stands for an archive a server left at a clean shutdown; after a
    // crash, start-up forces every log first (about 1 ms each on a virtual disk)
    Files.writeString(runs.resolve(LogRecovery.CLEAN_SHUTDOWN), "clean\n");
  }

  static int count(Path runs) throws IOException {
    try (var s = Files.list(runs.resolve("replays"))) {
      return (int) s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    }
  }

  static long du(Path runs) throws IOException {
    try (var s = Files.walk(runs)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /** A copy that shares the replays' files (read-only to the server here) but not the state file it appends to. */
  static void copy(Path archive, Path copy) throws IOException, InterruptedException {
    exec("rm", "-rf", copy.toString());
    exec("cp", "-al", archive.toString(), copy.toString());
    Path state = copy.resolve(LogState.FILE);
    if (Files.exists(state)) {
      Files.delete(state);
      Files.copy(archive.resolve(LogState.FILE), state);
    }
  }

  static void exec(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) throw new IOException("failed: " + String.join(" ", cmd));
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }
}
