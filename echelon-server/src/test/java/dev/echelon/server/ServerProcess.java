package dev.echelon.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server's {@code Main} in a JVM of its own, as {@code java -jar} runs it, so tests can kill it
 * for real ({@code kill -9}) and start it again on the same runs directory and port.
 */
public final class ServerProcess implements AutoCloseable {
  public final int port;
  public final Path runs;
  private final Map<String, String> env;
  private final Path log;
  private Process process;

  public ServerProcess(Path runs, Map<String, String> env) {
    this.runs = runs;
    this.env = new HashMap<>(env);
    this.log = runs.resolveSibling(runs.getFileName() + "-server.log");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Starts the JVM and waits until it answers {@code /health}. */
  public void start() {
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "dev.echelon.server.Main", "--host", "127.0.0.1",
        "--port", String.valueOf(port));
    pb.environment().put("ECHELON_RUNS_DIR", runs.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = pb.start();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < end) {
        if (!process.isAlive()) throw new IllegalStateException("the server exited; see " + log);
        try (var in = java.net.URI.create(url("/health")).toURL().openStream()) {
          if (new String(in.readAllBytes()).contains("\"ok\"")) return;
        } catch (IOException e) {
          Thread.sleep(50);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("the server did not answer /health within 30 s; see " + log);
  }

  /** SIGKILL: no shutdown hook, no flush, nothing but what is already on disk survives. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public long pid() {
    return process.pid();
  }

  @Override public void close() {
    if (process != null) process.destroyForcibly();
  }
}
