package dev.echelon.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
 * The replay-log figures: a 50 MB replay pushed the way the Python trainer pushes it (plain JSON,
 * 30 sequential POSTs of ~1.7 MB, no gzip) to the real server jar, with 1 or 16 viewers, some of
 * them reading at 2 MB/s. Prints push MB/s, per-chunk push-to-viewer latency, server CPU per MB,
 * viewers that got the whole replay, and heap after GC during the push. Any jar can be measured
 * ({@code --jar}), so the same bench gives the before and after figures.
 */
final class PythonPushBench {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(java.time.Duration.ofMinutes(2)).build();

  /** Whole replays pushed before measuring, so that the JIT compiler has done its work. */
  static int warmReplays = 3;

  private PythonPushBench() {}

  record Result(double mbps, double p50, double p99, double cpuMsPerMb, int complete, int viewers, double heapMb) {}

  /** Measure the NATS JetStream log (a fresh single-node nats-server per measurement) instead of the file log. */
  static boolean nats;

  /** Comma-separated row labels to measure ({@code 1 plain}, {@code 1 gzip}, {@code 16 plain}, ...); null: all. */
  static String rows;

  /** Whether {@code --rows} asks for the row {@code label}. */
  static boolean selected(String label) {
    return rows == null || java.util.Arrays.stream(rows.split(",")).anyMatch(r -> label.equals(r.strip()));
  }

  static void run(Path jar, int runs, List<byte[]> frames, String fsyncModes) throws Exception {
    byte[] world = LoadBench.worldJson();
    List<byte[]> chunks = chunks(frames, 30);
    double mb = chunks.stream().mapToLong(c -> c.length).sum() / 1e6;
    System.out.printf(Locale.ROOT, "%n## python-style push: %d plain JSON chunks, %.1f MB, jar %s, %s log%n", chunks.size(),
        mb, jar, nats ? "NATS JetStream (R1, CPU column: Echelon + nats-server)" : "file");
    System.out.println("| fsync | viewers | push MB/s | p50 ms | p99 ms | server CPU ms/MB | complete | heap after GC, MB above idle |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (boolean fsync : fsyncModes.equals("both") ? new boolean[] {true, false}
        : new boolean[] {fsyncModes.equals("on")}) {
      for (int[] v : new int[][] {{1, 0, 0}, {1, 1, 0}, {16, 0, 0}, {16, 16, 0}, {16, 8, 0}, {16, 0, 4}}) {
        String label = v[0] + (v[1] > 0 ? (v[1] == v[0] ? " gzip" : " (" + v[1] + " gzip)") : " plain")
            + (v[2] > 0 ? ", " + v[2] + " at 2 MB/s" : "");
        if (!selected(label)) continue;
        List<Result> rs = new ArrayList<>();
        for (int i = 0; i < runs; i++) rs.add(push(jar, fsync, world, chunks, v[0], v[1], v[2], false));
        Result heap = v[2] > 0 ? push(jar, fsync, world, chunks, v[0], v[1], v[2], true) : null;
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", fsync ? "on" : "off", label,
            mmm(rs, Result::mbps), mmm(rs, Result::p50), mmm(rs, Result::p99), mmm(rs, Result::cpuMsPerMb),
            rs.stream().map(r -> r.complete() + "/" + r.viewers()).toList(),
            heap == null ? "" : String.format(Locale.ROOT, "%.1f", heap.heapMb()));
      }
    }
  }

  /** The chunk bodies as {@code requests.post(json=chunk)} sends them. */
  static List<byte[]> chunks(List<byte[]> frames, int n) {
    List<byte[]> out = new ArrayList<>();
    int per = (frames.size() + n - 1) / n;
    for (int i = 0; i < n; i++) {
      var b = new ByteArrayOutputStream(2_000_000);
      b.writeBytes(("{\"replay_id\": \"%s\", \"world_ref\": \"%s\", \"chunk_index\": " + i + ", \"chunk_count\": " + n
          + ", \"frames\": [").getBytes(StandardCharsets.US_ASCII));
      for (int f = i * per; f < Math.min(frames.size(), (i + 1) * per); f++) {
        if (f > i * per) b.writeBytes(", ".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(frames.get(f));
      }
      b.writeBytes((i == 0 ? "], \"meta\": {\"episode\": 1}}" : "]}").getBytes(StandardCharsets.US_ASCII));
      out.add(b.toByteArray());
    }
    return out;
  }

  static Result push(Path jar, boolean fsync, byte[] world, List<byte[]> chunks, int viewers, int gzip, int slow,
      boolean measureHeap) throws Exception {
    try (NatsProcess natsServer = nats ? new NatsProcess() : null;
        ServerProcess server = new ServerProcess(jar, natsServer == null
            ? Map.of("ECHELON_SSE_MAX_CLIENTS", "32", "ECHELON_FSYNC", String.valueOf(fsync))
            : Map.of("ECHELON_SSE_MAX_CLIENTS", "32", "ECHELON_LOG", natsServer.url()))) {
      String hash = dev.echelon.core.WorldHash.of(dev.echelon.core.Json.mapper().readTree(world));
      send(new Request.Builder().url(server.url() + "/worlds/" + hash).put(RequestBody.create(world, JSON)).build());
      List<SseCounter> readers = new ArrayList<>();
      try {
        for (int i = 0; i < viewers; i++) {
          readers.add(new SseCounter(server.url() + "/events", i < gzip, 64, i >= viewers - slow ? 2_000_000 : 0));
        }
        while (server.metric("echelon_sse_clients") < viewers) Thread.sleep(10);
        for (int w = 0; w < warmReplays; w++) { // a long-running server is warm: its JIT has settled
          push(server, hash, "warm" + w, chunks, null);
          for (SseCounter r : readers) r.end("warm" + w).await(120, TimeUnit.SECONDS);
        }
        // a forced full GC shrinks the heap, which the next push then pays to grow again: only the
        // heap measurement (a run of its own) forces one, so the other figures see a server as it runs
        if (measureHeap) server.gc();
        double idleHeap = server.metric("echelon_jvm_heap_used_bytes");
        double heap = 0;
        String id = "py" + System.nanoTime();
        long[] sent = new long[chunks.size()];
        server.startRecording();
        double cpu0 = server.cpuSeconds() + (natsServer == null ? 0 : natsServer.cpuSeconds());
        long t0 = System.nanoTime();
        for (int i = 0; i < chunks.size(); i++) {
          sent[i] = System.nanoTime();
          push(server, hash, id, chunks.subList(i, i + 1), i);
          if (measureHeap && (i == 10 || i == 20)) {
            server.gc();
            heap = Math.max(heap, server.metric("echelon_jvm_heap_used_bytes") - idleHeap);
          }
        }
        double pushSeconds = (System.nanoTime() - t0) / 1e9;
        double cpu = server.cpuSeconds() + (natsServer == null ? 0 : natsServer.cpuSeconds()) - cpu0;
        server.stopRecording();
        int complete = 0;
        for (SseCounter r : readers) {
          r.end(id).await(slow > 0 ? 120 : 60, TimeUnit.SECONDS);
          if (r.got(id)) complete++;
        }
        double mb = chunks.stream().mapToLong(c -> c.length).sum() / 1e6;
        List<Double> lat = new ArrayList<>();
        for (SseCounter r : readers.subList(0, viewers - slow)) {
          long[] arr = r.arrivals.getOrDefault(id, new long[0]);
          for (int i = 0; i < Math.min(arr.length, chunks.size()); i++) if (arr[i] != 0) lat.add((arr[i] - sent[i]) / 1e6);
        }
        double[] l = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (System.getenv("ECHELON_BENCH_VERBOSE") != null && !System.getenv("ECHELON_BENCH_VERBOSE").isEmpty()) {
          System.err.println("push ms per chunk: " + java.util.Arrays.toString(java.util.stream.IntStream.range(1, sent.length)
              .mapToLong(i -> (sent[i] - sent[i - 1]) / 1_000_000).toArray()));
          System.err.println("latency ms, sorted: " + java.util.Arrays.toString(java.util.Arrays.stream(l).mapToLong(d -> (long) d).toArray()));
        }
        return new Result(mb / pushSeconds, l.length == 0 ? Double.NaN : l[l.length / 2],
            l.length == 0 ? Double.NaN : l[(int) (l.length * 0.99)], cpu * 1000 / mb, complete, viewers, heap / 1e6);
      } finally {
        readers.forEach(SseCounter::close);
      }
    }
  }

  private static void push(ServerProcess server, String hash, String id, List<byte[]> chunks, Integer index) throws Exception {
    for (int i = 0; i < chunks.size(); i++) {
      String template = new String(chunks.get(i), 0, 120, StandardCharsets.US_ASCII);
      int cut = template.indexOf("\"chunk_index\"");
      byte[] head = String.format(template.substring(0, cut), id, hash).getBytes(StandardCharsets.US_ASCII);
      byte[] body = new byte[head.length + chunks.get(i).length - cut];
      System.arraycopy(head, 0, body, 0, head.length);
      System.arraycopy(chunks.get(i), cut, body, head.length, chunks.get(i).length - cut);
      if (index == null) body = new String(body, StandardCharsets.UTF_8).replaceFirst("\"chunk_count\": 30", "\"chunk_count\": "
          + chunks.size()).getBytes(StandardCharsets.UTF_8);
      send(new Request.Builder().url(server.url() + "/push").post(RequestBody.create(body, JSON)).build());
    }
  }

  private static void send(Request r) throws Exception {
    try (Response res = HTTP.newCall(r).execute()) {
      if (res.code() != 200) throw new IllegalStateException(r.url() + " answered " + res.code() + ": " + res.body().string());
    }
  }

  static String mmm(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", v[0], v[v.length / 2], v[v.length - 1]);
  }
}
