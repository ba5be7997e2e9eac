package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** {@code Main} in its own JVM, as {@code java -jar} runs it: SIGTERM with viewers connected exits promptly. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class MainProcessIT {
  @TempDir Path runs;

  @Test
  void sigtermWithViewersConnectedExitsWithinTwoSeconds() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), "dev.echelon.server.Main", "--host", "127.0.0.1",
        "--port", String.valueOf(port));
    pb.environment().put("ECHELON_RUNS_DIR", runs.toString());
    pb.redirectErrorStream(true).redirectOutput(runs.resolve("server.log").toFile());
    Process p = pb.start();
    try {
      String base = "http://127.0.0.1:" + port;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      boolean up = false;
      while (!up && System.nanoTime() < end) {
        try (var in = java.net.URI.create(base + "/health").toURL().openStream()) {
          up = new String(in.readAllBytes()).contains("\"ok\"");
        } catch (java.io.IOException e) {
          Thread.sleep(100);
        }
      }
      assertThat(up).as("server answered /health").isTrue();
      try (SseReader a = new SseReader(base + "/events"); SseReader b = new SseReader(base + "/events")) {
        long t0 = System.nanoTime();
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(2, TimeUnit.SECONDS)).as("exited within 2 s of SIGTERM").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(a.awaitEnd(Duration.ofSeconds(2))).isTrue();
        assertThat(b.awaitEnd(Duration.ofSeconds(2))).isTrue();
      }
    } finally {
      p.destroyForcibly();
    }
  }

  /** Runs Main with the given arguments and environment until it exits; returns its exit code and output. */
  record Exit(int code, String output) {}

  Exit run(java.util.Map<String, String> env, String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
        ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
        "dev.echelon.server.Main"));
    cmd.addAll(java.util.List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited: " + out).isTrue();
    return new Exit(p.exitValue(), out);
  }

  @Test
  void aTakenPortStopsStartupWithOneLineNamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Exit e = run(java.util.Map.of("ECHELON_RUNS_DIR", runs.toString()), "--host", "127.0.0.1",
          "--port", String.valueOf(taken.getLocalPort()));
      assertThat(e.code()).isNotZero();
      assertThat(e.output().strip().lines()).hasSize(1);
      assertThat(e.output()).contains("port " + taken.getLocalPort()).contains("already in use").doesNotContain("Exception");
    }
  }

  @Test
  void aSecondServerOnTheSameRunsDirStopsWithOneLineNamingTheDirectoryAndThePid() throws Exception {
    try (ServerProcess first = new ServerProcess(runs.resolve("shared"), java.util.Map.of())) {
      Exit e = run(java.util.Map.of("ECHELON_RUNS_DIR", runs.resolve("shared").toString()), "--host", "127.0.0.1",
          "--port", "0");
      assertThat(e.code()).isNotZero();
      assertThat(e.output().strip().lines()).hasSize(1);
      assertThat(e.output()).contains("ECHELON_RUNS_DIR " + runs.resolve("shared").toAbsolutePath())
          .contains("pid " + first.pid()).doesNotContain("Exception");
    }
  }

  @Test
  void aBadSettingStopsStartupWithAMessageNamingIt() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), "dev.echelon.server.Main");
    pb.environment().put("ECHELON_PORT", "eighty");
    pb.environment().put("ECHELON_RUNS_DIR", runs.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("ECHELON_PORT").contains("eighty");
  }
}
