package dev.echelon.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx2g", "-jar", jar.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port));
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
    new ProcessBuilder(Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd").toString(),
        String.valueOf(process.pid()), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start().waitFor();
  }

  @Override public void close() throws Exception {
    process.destroy();
    process.waitFor();
    try (var files = Files.walk(runs)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
