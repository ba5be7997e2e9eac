package dev.echelon.server.log;

import dev.echelon.server.ServerConfig;
import dev.echelon.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./bench.sh search [--replays N] [--runs R]}: an archive of N replays spread over R training
 * runs (updates, eval win rates, maps in meta), served by the real server; prints p50/p99 of {@code
 * GET /replays} searches and of {@code GET /runs/{name}/progress}, each timed over real HTTP.
 */
public final class SearchBench {
  private static final String[] MAPS = {"arena north", "arena south", "desert", "night ops", "canyon"};

  public static void main(String[] args) throws Exception {
    int n = 20_000;
    int runs = 4;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--replays" -> n = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: SearchBench [--replays N]"
            + " [--runs R]");
      }
    }
    Path dir = Files.createTempDirectory("echelon-search-bench");
    build(dir, n, runs);
    try (TestServer s = new TestServer(ServerConfig.forTesting(dir).newBuilder().retention(Long.MAX_VALUE / 4, 10_000_000)
        .build())) {
      System.out.printf(Locale.ROOT, "%d replays, %d runs of %d each; each figure: 300 requests after 100 to warm up%n",
          n, runs, n / runs);
      for (String q : List.of("/replays?limit=50", "/replays?run=run1&limit=50",
          "/replays?run=run1&update_min=1000&update_max=3000&complete=true&limit=50", "/replays?q=desert&limit=50",
          "/replays?q=desert&run=run2&sort=update&limit=50", "/replays?sort=update&limit=50",
          "/replays?sort=longest&run=run3&limit=50", "/replays?winner=blue&min_kills=1&limit=50",
          "/replays?winner=none&run=run2&min_duration=1&limit=50", "/replays?sort=kills&limit=50",
          "/runs/run1/progress")) {
        time(s, q);
      }
    } finally {
      ArchiveBench.exec("rm", "-rf", dir.toString());
    }
  }

  static void time(TestServer s, String path) {
    double[] ms = new double[300];
    for (int i = -100; i < ms.length; i++) {
      long t0 = System.nanoTime();
      var a = s.get(path);
      long t = System.nanoTime() - t0;
      if (a.status() != 200) throw new IllegalStateException(path + " answered " + a.status() + ": " + a.body());
      if (i >= 0) ms[i] = t / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(Locale.ROOT, "%-80s p50 %6.2f ms  p99 %6.2f ms%n", path, ms[ms.length / 2],
        ms[(int) (ms.length * 0.99)]);
  }

  static void build(Path dir, int n, int runs) throws Exception {
    FileReplayLog.Options o = new FileReplayLog.Options(dir, false, 1 << 20, Long.MAX_VALUE, Integer.MAX_VALUE, 4,
        1 << 20, Duration.ofDays(365), Duration.ofSeconds(30));
    long start = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
    AtomicInteger done = new AtomicInteger();
    try (FileReplayLog log = FileReplayLog.open(o)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      for (int r = 0; r < n; r++) {
        int k = r;
        pool.execute(() -> {
          String run = "run" + (k % runs);
          int update = k / runs;
          byte[] runJson = ("{\"name\":\"" + run + "\",\"update\":" + update + ",\"global_step\":" + update * 4096L
              + ",\"eval\":{\"win_rate\":" + (k % 100) / 100.0 + "}}").getBytes(StandardCharsets.UTF_8);
          byte[] meta = ("{\"map\":\"" + MAPS[k % MAPS.length] + "\",\"episode\":" + k + "}")
              .getBytes(StandardCharsets.UTF_8);
          byte[] body = ("{\"frames\":" + LogFixtures.matchFrames(k, k % 3 == 0 ? 0 : 1, 2 + k % 7) + "}").getBytes(StandardCharsets.UTF_8);
          boolean complete = k % 10 != 0;
          log.append(new PushedChunk(String.format("r%06d", k), LogFixtures.WORLD, 0, complete ? 1 : 2, false,
              new dev.echelon.server.log.Payload.Slice(body, 10, body.length - 11), 2 + k % 7, meta, runJson, run),
              dev.echelon.server.live.EventFormat::chunk, start + k * 1000L);
          int d = done.incrementAndGet();
          if (d % 5000 == 0) System.out.printf("building the archive: %d/%d replays%n", d, n);
        });
      }
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.HOURS);
    }
    Files.writeString(dir.resolve(LogRecovery.CLEAN_SHUTDOWN), "clean\n");
  }
}
