package dev.echelon.bench;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/** A nats-server with JetStream on a free port and a fresh store, for benchmarking the NATS log. */
final class NatsProcess implements AutoCloseable {
  final int port;
  final Process process;

  NatsProcess() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path dir = Files.createTempDirectory("echelon-bench-nats");
    Path conf = dir.resolve("nats.conf");
    Files.writeString(conf, "listen: 127.0.0.1:" + port + "\nmax_payload: 8MB\njetstream { store_dir: \""
        + dir.resolve("store") + "\" }\n");
    String bin = Files.isExecutable(Path.of("/usr/sbin/nats-server")) ? "/usr/sbin/nats-server" : "nats-server";
    process = new ProcessBuilder(bin, "-c", conf.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("nats.log").toFile()).start();
    long end = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < end) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("nats-server did not start (apt-get install nats-server); see " + dir);
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** User+system CPU seconds of the nats-server process. */
  double cpuSeconds() throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  @Override public void close() {
    process.destroyForcibly();
  }
}
