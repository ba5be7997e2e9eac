package dev.echelon.server;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar echelon-server.jar [--host HOST] [--port PORT]}; configuration in PROTOCOL.md §5. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println("usage: echelon-server [--host HOST] [--port PORT]\n\nSettings (environment or .env):\n"
          + ServerConfig.describe());
      return;
    }
    ServerConfig config;
    try {
      config = ServerConfig.load(args, System.getenv(), Path.of(".env"));
    } catch (IllegalArgumentException e) {
      System.err.println("echelon-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    EchelonServer server;
    try {
      server = EchelonServer.start(config);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      // start-up refusals say what is wrong and what to do, in one line
      System.err.println("echelon-server: " + e.getMessage());
      System.exit(1);
      return;
    } catch (RuntimeException e) {
      System.err.println("echelon-server: cannot start on " + config.host() + ":" + config.port() + ": " + e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "echelon-shutdown"));
    stopped.await();
  }
}
