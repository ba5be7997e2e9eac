package dev.echelon.bench;

import dev.echelon.client.EchelonClient;
import dev.echelon.client.Replay;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Ingest and fan-out, soak, stalled and churning viewers against the real server jar in its own
 * process, with a loopback-socket baseline. Prints the figures BENCHMARKS.md records.
 * Usage: {@code ./bench.sh load [ingest|stall|soak|churn|all] [runs]}.
 */
public final class LoadBench {
  static Path JAR = Path.of("echelon-server/target/echelon-server.jar");
  static Object world;
  static List<byte[]> big;

  private LoadBench() {}

  public static void main(String[] argv) throws Exception {
    List<String> list = new ArrayList<>(Arrays.asList(argv));
    int jarAt = list.indexOf("--jar");
    if (jarAt >= 0) {
      JAR = Path.of(list.get(jarAt + 1)); // another build, e.g. the previous release, for before/after figures
      list.subList(jarAt, jarAt + 2).clear();
    }
    String fsync = "both";
    int fsyncAt = list.indexOf("--fsync");
    if (fsyncAt >= 0) {
      fsync = list.get(fsyncAt + 1); // on, off or both: a build that predates ECHELON_FSYNC needs only "on"
      list.subList(fsyncAt, fsyncAt + 2).clear();
    }
    int logAt = list.indexOf("--log");
    if (logAt >= 0) {
      PythonPushBench.nats = list.get(logAt + 1).equals("nats"); // file (default) or nats: a nats-server per row
      list.subList(logAt, logAt + 2).clear();
    }
    int rowsAt = list.indexOf("--rows");
    if (rowsAt >= 0) {
      PythonPushBench.rows = list.get(rowsAt + 1); // e.g. "1,16": rows whose label starts with one of these
      list.subList(rowsAt, rowsAt + 2).clear();
    }
    int warmAt = list.indexOf("--warm");
    if (warmAt >= 0) {
      PythonPushBench.warmReplays = Integer.parseInt(list.get(warmAt + 1)); // whole replays before measuring (3)
      list.subList(warmAt, warmAt + 2).clear();
    }
    int replayAt = list.indexOf("--replay");
    boolean fixture = false;
    if (replayAt >= 0) {
      fixture = list.get(replayAt + 1).equals("fixture"); // synthetic (default) or fixture: the simulator's frames
      list.subList(replayAt, replayAt + 2).clear();
    }
    String[] args = list.toArray(new String[0]);
    String what = args.length > 0 ? args[0] : "all";
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    world = Worlds.fixture("world-100x100x20-seed7.json.gz");
    big = ReplayGenerator.frames(3000, 40, 1);
    System.out.printf(Locale.ROOT, "replay: 3000 frames, 40 mechs, %.1f MB of JSON on the 100x100x20 fixture world%n",
        ReplayGenerator.bytes(big) / 1e6);
    if (fixture) {
      List<byte[]> real = ReplayGenerator.fixtureFrames(10_200);
      System.out.printf(Locale.ROOT, "python-style push of the simulator's fixture frames, repeated: %d frames, %.1f MB%n",
          real.size(), ReplayGenerator.bytes(real) / 1e6);
      if (what.equals("python") || what.equals("all")) PythonPushBench.run(JAR, runs, real, fsync);
    } else if (what.equals("python") || what.equals("all")) {
      PythonPushBench.run(JAR, runs, big, fsync);
    }
    if (what.equals("thousand")) { // not part of "all": it takes minutes (its second argument: idle seconds, 60)
      ThousandViewersBench.run(JAR, ReplayGenerator.fixtureFrames(2050), args.length > 1 ? runs : 60);
    }
    if (what.equals("ingest") || what.equals("all")) ingest(runs);
    if (what.equals("stall") || what.equals("all")) stall(runs);
    if (what.equals("churn") || what.equals("all")) churn();
    if (what.equals("soak") || what.equals("all")) soak(args.length > 2 ? Integer.parseInt(args[2]) : 100);
  }

  static byte[] worldJson() {
    return Worlds.fixtureBytes("world-100x100x20-seed7.json.gz");
  }

  record Result(double mbps, double p50ms, double p99ms, double cpuPerMb, double wireMbPerViewer) {}

  static void ingest(int runs) throws Exception {
    System.out.println("\n## ingest and fan-out (min / median / max over " + runs + " runs)");
    for (int viewers : new int[] {1, 16}) {
      if (!PythonPushBench.selected(viewers + " plain") && !PythonPushBench.selected(viewers + " gzip")) continue;
      double base = median(repeat(runs, () -> baseline(viewers)));
      System.out.printf(Locale.ROOT, "loopback baseline, %2d readers: %.0f MB/s (median)%n", viewers, base);
      for (boolean gzip : new boolean[] {false, true}) {
        if (!PythonPushBench.selected(viewers + (gzip ? " gzip" : " plain"))) continue;
        List<Result> rs = new ArrayList<>();
        for (int i = 0; i < runs; i++) rs.add(push(viewers, gzip, false, "ingest"));
        double mbps = median(rs.stream().mapToDouble(Result::mbps).toArray());
        System.out.printf(Locale.ROOT, "%2d viewers %-5s push %s MB/s (%.0f%% of baseline)  p50 %s ms  p99 %s ms  "
                + "server CPU %s s/MB  wire %s MB/viewer%n", viewers, gzip ? "gzip" : "plain",
            mmm(rs, Result::mbps), 100 * mbps / base, mmm(rs, Result::p50ms), mmm(rs, Result::p99ms),
            mmm3(rs, Result::cpuPerMb), mmm(rs, Result::wireMbPerViewer));
      }
    }
  }

  static void stall(int runs) throws Exception {
    System.out.println("\n## one stalled viewer among 16 (plain)");
    List<Result> normal = new ArrayList<>();
    List<Result> stalled = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      normal.add(push(16, false, false, "nostall"));
      stalled.add(push(15, false, true, "stall"));
    }
    double a = median(normal.stream().mapToDouble(Result::mbps).toArray());
    double b = median(stalled.stream().mapToDouble(Result::mbps).toArray());
    System.out.printf(Locale.ROOT, "16 viewers: %s MB/s; 15 viewers + 1 stalled: %s MB/s (%.0f%% of no stall)%n",
        mmm(normal, Result::mbps), mmm(stalled, Result::mbps), 100 * b / a);
  }

  /** Pushes the big replay while {@code viewers} read every event; optionally with one stalled viewer. */
  static Result push(int viewers, boolean gzip, boolean withStalled, String tag) throws Exception {
    try (ServerProcess server = new ServerProcess(JAR, Map.of("ECHELON_SSE_MAX_CLIENTS", "32"));
        EchelonClient client = EchelonClient.create(server.url())) {
      String id = tag + System.nanoTime();
      List<SseCounter> readers = new ArrayList<>();
      Socket stalled = null;
      try {
        for (int i = 0; i < viewers; i++) readers.add(new SseCounter(server.url() + "/events", gzip, 64));
        if (withStalled) stalled = stalledViewer(server.port);
        while (server.metric("echelon_sse_clients") < viewers + (withStalled ? 1 : 0)) Thread.sleep(10);
        // warm the server (JIT, buffers, the world upload) the way a long-running server is warm
        String warm = "warm" + System.nanoTime();
        client.push(Replay.builder().replayId(warm).world(world).frames(big.subList(0, 600)).build());
        for (SseCounter r : readers) r.end(warm).await(120, TimeUnit.SECONDS);
        long wire0 = readers.stream().mapToLong(r -> r.wireBytes).sum();
        long[] sent = new long[64];
        server.startRecording();
        double cpu0 = server.cpuSeconds();
        long t0 = System.nanoTime();
        client.push(Replay.builder().replayId(id).world(world).frames(big).build(),
            (i, n, bytes) -> sent[i] = System.nanoTime());
        for (SseCounter r : readers) {
          if (!r.end(id).await(120, TimeUnit.SECONDS)) throw new IllegalStateException("a viewer missed the end");
        }
        long t1 = System.nanoTime();
        double cpu = server.cpuSeconds() - cpu0;
        server.stopRecording();
        double mb = ReplayGenerator.bytes(big) / 1e6;
        List<Double> lat = new ArrayList<>();
        int chunks = 0;
        while (chunks < sent.length && sent[chunks] != 0) chunks++;
        for (SseCounter r : readers) {
          long[] arr = r.arrivals.get(id);
          for (int i = 0; i < chunks; i++) {
            if (arr[i] == 0) throw new IllegalStateException("a viewer missed chunk " + i);
            lat.add((arr[i] - (i == 0 ? t0 : sent[i - 1])) / 1e6);
          }
        }
        double[] l = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double wire = (readers.stream().mapToLong(r -> r.wireBytes).sum() - wire0) / 1e6 / readers.size();
        if (withStalled && server.metric("echelon_viewers_dropped_total") < 1) {
          throw new IllegalStateException("the stalled viewer was not dropped");
        }
        return new Result(mb / ((t1 - t0) / 1e9), l[l.length / 2], l[(int) (l.length * 0.99)], cpu / mb, wire);
      } finally {
        readers.forEach(SseCounter::close);
        if (stalled != null) stalled.close();
      }
    }
  }

  /** The same bytes over plain loopback sockets to N readers, written one after another. */
  static double baseline(int readers) throws Exception {
    try (ServerSocket ss = new ServerSocket()) {
      ss.bind(new InetSocketAddress("127.0.0.1", 0));
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < readers; i++) {
        threads.add(Thread.ofPlatform().start(() -> {
          try (Socket s = new Socket("127.0.0.1", ss.getLocalPort()); InputStream in = s.getInputStream()) {
            byte[] buf = new byte[256 * 1024];
            while (in.read(buf) >= 0) {
              // consume
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      List<Socket> sockets = new ArrayList<>();
      for (int i = 0; i < readers; i++) sockets.add(ss.accept());
      long t0 = System.nanoTime();
      for (byte[] f : big) for (Socket s : sockets) s.getOutputStream().write(f);
      for (Socket s : sockets) s.close();
      for (Thread t : threads) t.join();
      return ReplayGenerator.bytes(big) / 1e6 / ((System.nanoTime() - t0) / 1e9);
    }
  }

  static void churn() throws Exception {
    System.out.println("\n## 200 viewer connect/disconnect cycles");
    // a disconnect is noticed on the next write: 1 s keepalives make that prompt
    try (ServerProcess server = new ServerProcess(JAR, Map.of("ECHELON_SSE_KEEPALIVE_S", "1"))) {
      for (int i = 0; i < 20; i++) new SseCounter(server.url() + "/events", false, 1).close(); // warm up
      Thread.sleep(1000);
      int threads0 = server.threads();
      int fds0 = server.fds();
      for (int i = 0; i < 200; i++) {
        SseCounter c = new SseCounter(server.url() + "/events", i % 2 == 0, 1);
        c.close();
      }
      long end = System.nanoTime() + 10_000_000_000L;
      while (server.metric("echelon_sse_clients") > 0 && System.nanoTime() < end) Thread.sleep(50);
      Thread.sleep(1000);
      System.out.printf(Locale.ROOT, "threads %d -> %d, open fds %d -> %d, viewers connected after: %.0f%n",
          threads0, server.threads(), fds0, server.fds(), server.metric("echelon_sse_clients"));
    }
  }

  static void soak(int replays) throws Exception {
    System.out.println("\n## soak: " + replays + " replays of ~20 MB back to back, 4 viewers");
    List<byte[]> frames = big.subList(0, 1200);
    try (ServerProcess server = new ServerProcess(JAR, Map.of());
        EchelonClient client = EchelonClient.create(server.url())) {
      List<SseCounter> viewers = new ArrayList<>();
      for (int i = 0; i < 4; i++) viewers.add(new SseCounter(server.url() + "/events", i % 2 == 0, 64));
      double[] heap = new double[replays];
      double[] rss = new double[replays];
      for (int r = 0; r < replays; r++) {
        String id = "soak" + r;
        client.push(Replay.builder().replayId(id).world(world).frames(frames).build());
        for (SseCounter v : viewers) v.end(id).await(120, TimeUnit.SECONDS);
        for (SseCounter v : viewers) v.arrivals.remove(id); // the reader's own bookkeeping
        server.gc();
        heap[r] = server.metric("echelon_jvm_heap_used_bytes") / 1e6;
        rss[r] = server.metric("echelon_process_resident_bytes") / 1e6;
        if (r % 10 == 9) System.out.printf(Locale.ROOT, "after replay %3d: heap after GC %.1f MB, RSS %.0f MB%n", r + 1, heap[r], rss[r]);
      }
      viewers.forEach(SseCounter::close);
      int from = Math.min(10, replays - 1);
      System.out.printf(Locale.ROOT, "heap after GC: replays %d-%d mean %.1f MB, last 10 mean %.1f MB; "
              + "RSS: %.0f MB -> %.0f MB%n", from + 1, Math.min(from + 10, replays), mean(heap, from, from + 10),
          mean(heap, replays - 10, replays), mean(rss, from, from + 10), mean(rss, replays - 10, replays));
    }
  }

  static Socket stalledViewer(int port) throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", port));
    OutputStream out = s.getOutputStream();
    out.write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  interface Run {
    double get() throws Exception;
  }

  static double[] repeat(int n, Run r) throws Exception {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = r.get();
    return out;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  static double mean(double[] v, int from, int to) {
    double sum = 0;
    int n = 0;
    for (int i = Math.max(0, from); i < Math.min(v.length, to); i++, n++) sum += v[i];
    return n == 0 ? Double.NaN : sum / n;
  }

  static String mmm(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    return String.format(Locale.ROOT, "%.1f/%.1f/%.1f", v[0], v[v.length / 2], v[v.length - 1]);
  }

  static String mmm3(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    return String.format(Locale.ROOT, "%.4f/%.4f/%.4f", v[0], v[v.length / 2], v[v.length - 1]);
  }
}
