package dev.echelon.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real server jar in its own process, so its CPU time and memory can be read from /proc. */
final class ServerProcess implements AutoCloseable {
  final int port;
  final Process process;
  final Path runs;

  ServerProcess(Path jar, Map<String, String> env) throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    runs = Files.createTempDirectory("echelon-bench-runs");
    var command = new java.util.ArrayList<String>(List.of(ProcessHandle.current().info().command().orElse("java")));
    Path options = Path.of("scripts", "server.jvm"); // the JVM options ./echelon server starts it with
    if (Files.exists(options)) command.add("@" + options.toAbsolutePath());
    command.add("-Xmx2g");
    String opts = System.getenv("ECHELON_BENCH_SERVER_JAVA_OPTS"); // e.g. a JFR recording of the server
    if (opts != null && !opts.isBlank()) command.addAll(List.of(opts.strip().split("\\s+")));
    command.addAll(List.of("-jar", jar.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port)));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("ECHELON_RUNS_DIR", runs.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(runs.resolveSibling(runs.getFileName() + ".log").toFile());
    process = pb.start();
    long end = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < end) {
      try {
        if (get("/health").contains("ok")) return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("server did not start; see " + runs + ".log");
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  String get(String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url() + path).toURL().openConnection();
    try (var in = c.getInputStream()) {
      return new String(in.readAllBytes());
    }
  }

  /** A gauge or counter from /metrics. */
  double metric(String name) throws IOException {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(get("/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /** User + system CPU seconds of the server process. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks
  }

  int threads() throws IOException {
    try (var s = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
      return (int) s.count();
    }
  }

  int fds() throws IOException {
    try (var s = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
      return (int) s.count();
    }
  }

  /** Asks the server JVM for a full GC, so heap figures mean "live data". */
  void gc() throws Exception {
    jcmd("GC.run");
  }

  /**
   * Starts a JFR recording of the server (CPU-time samples, allocations) when
   * {@code ECHELON_BENCH_JFR} names a file; {@link #stopRecording} writes it. For finding where the
   * measured push spends its CPU, without the warm-up in the picture.
   */
  void startRecording() throws Exception {
    if (System.getenv("ECHELON_BENCH_JFR") == null) return;
    threadCpu = threadCpu();
    if (System.getenv("ECHELON_BENCH_JFR").equals("threads")) return; // CPU by thread only
    jcmd("JFR.start", "name=bench", "settings=profile", "jdk.CPUTimeSample#enabled=true", "jdk.CPUTimeSample#throttle=2000/s");
  }

  void stopRecording() throws Exception {
    String file = System.getenv("ECHELON_BENCH_JFR");
    if (file == null) return;
    Map<String, long[]> after = threadCpu();
    if (!file.equals("threads")) jcmd("JFR.stop", "name=bench", "filename=" + file);
    var byName = new java.util.TreeMap<String, long[]>();
    after.forEach((k, v) -> {
      long[] before = threadCpu.getOrDefault(k, new long[2]);
      long[] sum = byName.computeIfAbsent(k.substring(k.indexOf(' ') + 1).replaceAll("\\d+", "#"), n -> new long[2]);
      sum[0] += v[0] - before[0];
      sum[1] += v[1] - before[1];
    });
    System.err.println("server recording: " + file + "; CPU ms (user + system) by OS thread during the push:");
    byName.entrySet().stream().filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
        .sorted(java.util.Comparator.comparingLong(e -> -(e.getValue()[0] + e.getValue()[1])))
        .forEach(e -> System.err.println("  " + e.getValue()[0] * 10 + " + " + e.getValue()[1] * 10 + " " + e.getKey()));
  }

  private Map<String, long[]> threadCpu = Map.of();

  /** CPU ticks per OS thread ("tid name"), from /proc. */
  private Map<String, long[]> threadCpu() throws IOException {
    var out = new java.util.HashMap<String, long[]>();
    try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(t.getFileName() + " " + name, new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])});
        } catch (IOException e) {
          // the thread ended
        }
      }
    }
    return out;
  }

  private void jcmd(String... args) throws Exception {
    var command = new java.util.ArrayList<String>(List.of(
        Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd").toString(),
        String.valueOf(process.pid())));
    command.addAll(List.of(args));
    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  @Override public void close() throws Exception {
    process.destroy();
    process.waitFor();
    try (var files = Files.walk(runs)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
