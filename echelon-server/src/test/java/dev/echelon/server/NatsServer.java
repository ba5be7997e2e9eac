package dev.echelon.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nats-server process with JetStream, on free ports with its own store directory; can be
 * stopped and started again on the same port and store, or run as one node of a cluster. Tests that
 * need it are skipped, with a message, where nats-server is not installed.
 */
public final class NatsServer implements AutoCloseable {
  public final int port;
  public final int clusterPort;
  /** nats-server's monitoring port: {@link #localStream} reads this node's own replica there. */
  public final int monitorPort;
  private final Path dir;
  private final String name;
  private List<Integer> routes = List.of();
  private String token;
  private Process process;

  public NatsServer(Path dir, String name) {
    Assumptions.assumeTrue(binary() != null,
        "nats-server is not installed (apt-get install nats-server; .ci/run does it): skipping the JetStream tests");
    this.dir = dir;
    this.name = name;
    this.port = freePort();
    this.clusterPort = freePort();
    this.monitorPort = freePort();
  }

  /** One node of a cluster whose nodes listen for routes on {@code routes}. */
  public NatsServer cluster(List<Integer> routes) {
    this.routes = List.copyOf(routes);
    return this;
  }

  /** Requires clients to present this token. */
  public NatsServer token(String token) {
    this.token = token;
    return this;
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  public NatsServer start() {
    try {
      Files.createDirectories(dir);
      StringBuilder conf = new StringBuilder();
      conf.append("server_name: ").append(name).append("\nlisten: 127.0.0.1:").append(port)
          .append("\nhttp: 127.0.0.1:").append(monitorPort).append("\nmax_payload: 8MB\njetstream { store_dir: \"").append(dir.resolve("store")).append("\" }\n");
      if (token != null) conf.append("authorization { token: \"").append(token).append("\" }\n");
      if (!routes.isEmpty()) {
        conf.append("cluster { name: echelon-test\n listen: 127.0.0.1:").append(clusterPort).append("\n routes: [\n");
        for (int r : routes) conf.append("  nats-route://127.0.0.1:").append(r).append("\n");
        conf.append(" ]\n}\n");
      }
      Path file = dir.resolve("nats.conf");
      Files.writeString(file, conf);
      process = new ProcessBuilder(binary(), "-c", file.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nats.log").toFile())).start();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < end) {
        if (!process.isAlive()) throw new IllegalStateException("nats-server exited; see " + dir.resolve("nats.log"));
        try (Socket s = new Socket("127.0.0.1", port)) {
          return this;
        } catch (IOException e) {
          Thread.sleep(50);
        }
      }
      throw new IllegalStateException("nats-server did not listen on " + port + " within 10 s");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * What this node's own copy of a stream holds, {first, last, messages}, from its monitoring
   * endpoint (in a cluster, the leader's stream info speaks for the group, not for this replica);
   * null when the node has no copy or does not answer.
   */
  public long[] localStream(String stream) {
    try {
      var http = java.net.http.HttpClient.newHttpClient();
      String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + monitorPort
          + "/jsz?accounts=true&streams=true")).timeout(java.time.Duration.ofSeconds(2)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      int at = body.indexOf("\"name\": \"" + stream + "\"");
      if (at < 0) return null;
      return new long[] {number(body, at, "first_seq"), number(body, at, "last_seq"), number(body, at, "messages")};
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static long number(String json, int from, String field) {
    var m = java.util.regex.Pattern.compile("\"" + field + "\": (\\d+)").matcher(json);
    return m.find(from) ? Long.parseLong(m.group(1)) : -1;
  }

  /** Deletes the node's JetStream store (stop it first): it comes back as if new. */
  public void wipe() throws IOException {
    Path store = dir.resolve("store");
    if (!Files.exists(store)) return;
    try (var walk = Files.walk(store)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  /** SIGKILL, as a crashed node. */
  public void kill() throws InterruptedException {
    if (process == null) return;
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    process = null;
  }

  @Override public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String binary() {
    for (String p : new String[] {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"}) {
      if (Files.isExecutable(Path.of(p))) return p;
    }
    return null;
  }

  /**
   * A free port below the kernel's ephemeral range (32768 up): a node killed and started again on
   * its port must find it free, and an ephemeral port may meanwhile be taken by any process's
   * outgoing connection.
   */
  static int freePort() {
    var random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
