package dev.echelon.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One server, a thousand viewers ({@code ./bench.sh load thousand}): gzip viewers reading like
 * browsers on a 0.2 MB/s link, spread over 20 {@code ?run=} subscriptions and the whole stream,
 * first idle for a minute, then while 10 trainers stream a 10 MB replay each (the simulator's
 * frames, a 1 MB chunk every 5 s). Prints the server's CPU idle and under load, push→viewer
 * latency, how many viewers received every event of their subscription, and the server's heap
 * after a full GC and RSS.
 */
final class ThousandViewersBench {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(java.time.Duration.ofMinutes(2)).build();
  private static final int VIEWERS = 1000;
  private static final int RUNS = 20;
  private static final int TRAINERS = 10;
  private static final int CHUNKS = 10;
  private static final long CHUNK_EVERY_MS = 5000;
  private static final long BROWSER_BYTES_PER_S = 200_000;

  private ThousandViewersBench() {}

  static void run(Path jar, List<byte[]> frames, int idleSeconds) throws Exception {
    byte[] world = LoadBench.worldJson();
    String hash = dev.echelon.core.WorldHash.of(dev.echelon.core.Json.mapper().readTree(world));
    List<List<byte[]>> replays = new ArrayList<>();
    for (int t = 0; t < TRAINERS; t++) replays.add(chunks(frames, t, hash));
    double mb = replays.stream().flatMap(List::stream).mapToLong(b -> b.length).sum() / 1e6;
    System.out.printf(Locale.ROOT, "%n## %d gzip viewers at %.1f MB/s (%d runs + everything), %d trainers, %.1f MB in all%n",
        VIEWERS, BROWSER_BYTES_PER_S / 1e6, RUNS, TRAINERS, mb);
    try (ServerProcess server = new ServerProcess(jar, Map.of("ECHELON_SSE_MAX_CLIENTS", String.valueOf(VIEWERS)))) {
      send(new Request.Builder().url(server.url() + "/worlds/" + hash).put(RequestBody.create(world, JSON)).build());
      Thread.sleep(5000); // start-up's JIT settles
      double base0 = server.cpuSeconds();
      Thread.sleep(idleSeconds * 1000L / 2);
      double baseline = (server.cpuSeconds() - base0) / (idleSeconds / 2.0);
      System.out.printf(Locale.ROOT, "no viewers: %.2f%% of one core (the JVM and server at rest)%n", 100 * baseline);
      List<SseCounter> viewers = new ArrayList<>();
      try {
        long c0 = System.nanoTime();
        for (int i = 0; i < VIEWERS; i++) {
          int group = i % (RUNS + 1);
          String url = server.url() + "/events" + (group == RUNS ? "" : "?run=run-" + group);
          viewers.add(new SseCounter(url, true, CHUNKS, BROWSER_BYTES_PER_S, true));
          if ((i + 1) % 250 == 0) System.err.printf("  %d viewers connected%n", i + 1);
        }
        while (server.metric("echelon_sse_clients") < VIEWERS) Thread.sleep(50);
        System.out.printf(Locale.ROOT, "connected %d viewers in %.1f s; server threads %d, fds %d, RSS %.0f MB%n", VIEWERS,
            (System.nanoTime() - c0) / 1e9, server.threads(), server.fds(), rssMb(server, "VmRSS"));

        double idle0 = server.cpuSeconds();
        System.err.printf("  idle for %d s%n", idleSeconds);
        Thread.sleep(idleSeconds * 1000L);
        double idleCpu = server.cpuSeconds() - idle0;
        System.out.printf(Locale.ROOT, "idle: %.2f CPU s in %d s = %.2f%% of one core (%.2f%% above no viewers)%n", idleCpu,
            idleSeconds, 100 * idleCpu / idleSeconds, 100 * (idleCpu / idleSeconds - baseline));

        long[][] sent = new long[TRAINERS][CHUNKS];
        double cpu0 = server.cpuSeconds();
        long t0 = System.nanoTime();
        List<Thread> trainers = new ArrayList<>();
        for (int t = 0; t < TRAINERS; t++) {
          int k = t;
          trainers.add(Thread.ofPlatform().start(() -> {
            try {
              for (int i = 0; i < CHUNKS; i++) {
                long due = t0 + TimeUnit.MILLISECONDS.toNanos(CHUNK_EVERY_MS * i + 500L * k); // trainers out of step
                long wait = due - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000);
                sent[k][i] = System.nanoTime();
                send(new Request.Builder().url(server.url() + "/push").post(RequestBody.create(replays.get(k).get(i), JSON)).build());
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }));
        }
        for (Thread t : trainers) t.join();
        int complete = 0;
        List<Double> latency = new ArrayList<>();
        List<Double> latencyAll = new ArrayList<>();
        for (int i = 0; i < VIEWERS; i++) {
          SseCounter v = viewers.get(i);
          int group = i % (RUNS + 1);
          boolean all = true;
          for (int t = 0; t < TRAINERS; t++) {
            if (group != RUNS && group != t) continue;
            String id = "t" + t;
            v.end(id).await(120, TimeUnit.SECONDS);
            all &= v.got(id);
            long[] at = v.arrivals.getOrDefault(id, new long[0]);
            for (int c = 0; c < Math.min(at.length, CHUNKS); c++) {
              if (at[c] != 0) (group == RUNS ? latencyAll : latency).add((at[c] - sent[t][c]) / 1e6);
              else all = false;
            }
          }
          if (all) complete++;
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        double cpu = server.cpuSeconds() - cpu0;

        double wire = viewers.stream().mapToLong(v -> v.wireBytes).sum() / 1e6;
        server.gc();
        System.out.printf(Locale.ROOT, "load: %.1f CPU s over %.0f s (%.0f%% of one core), %.1f ms per pushed MB; "
                + "%.0f MB on the wire to viewers%n", cpu, loadSeconds, 100 * cpu / loadSeconds, cpu * 1000 / mb, wire);
        System.out.println("push->viewer, viewers of one run (a replay each): " + percentiles(latency));
        System.out.println("push->viewer, viewers of everything (all 10 replays, ~0.17 MB/s of gzip): "
            + percentiles(latencyAll));
        System.out.printf(Locale.ROOT, "every event of its subscription: %d/%d viewers; dropped %.0f, evicted %.0f%n",
            complete, VIEWERS, server.metric("echelon_viewers_dropped_total"), server.metric("echelon_viewers_evicted_total"));
        System.out.printf(Locale.ROOT, "server heap after a full GC %.0f MB; RSS %.0f MB (peak %.0f MB)%n",
            server.metric("echelon_jvm_heap_used_bytes") / 1e6, rssMb(server, "VmRSS"), rssMb(server, "VmHWM"));
      } finally {
        viewers.forEach(SseCounter::close);
      }
    }
  }

  /** Trainer {@code t}'s replay as {@code requests.post(json=chunk)} sends it: ~1 MB chunks, its run on chunk 0. */
  private static List<byte[]> chunks(List<byte[]> frames, int t, String hash) {
    int per = frames.size() / CHUNKS;
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < CHUNKS; i++) {
      var b = new java.io.ByteArrayOutputStream(1 << 20);
      b.writeBytes(("{\"replay_id\": \"t" + t + "\", \"world_ref\": \"" + hash + "\", \"chunk_index\": " + i
          + ", \"chunk_count\": " + CHUNKS + ", \"frames\": [").getBytes(StandardCharsets.US_ASCII));
      for (int f = i * per; f < (i + 1) * per; f++) {
        if (f > i * per) b.writeBytes(", ".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(frames.get(f));
      }
      b.writeBytes((i == 0 ? "], \"run\": {\"name\": \"run-" + t + "\"}}" : "]}").getBytes(StandardCharsets.US_ASCII));
      out.add(b.toByteArray());
    }
    return out;
  }

  private static String percentiles(List<Double> ms) {
    double[] l = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (l.length == 0) return "none";
    return String.format(Locale.ROOT, "p50 %.0f ms, p99 %.0f ms, max %.0f ms over %d deliveries", l[l.length / 2],
        l[(int) (l.length * 0.99)], l[l.length - 1], l.length);
  }

  private static double rssMb(ServerProcess server, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + server.process.pid() + "/status"))) {
      if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
    }
    return Double.NaN;
  }

  private static void send(Request r) throws Exception {
    try (Response res = HTTP.newCall(r).execute()) {
      if (res.code() != 200) throw new IllegalStateException(r.url() + " answered " + res.code() + ": " + res.body().string());
    }
  }
}
