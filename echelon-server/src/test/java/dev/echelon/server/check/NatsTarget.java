package dev.echelon.server.check;

import dev.echelon.server.EchelonServer;
import dev.echelon.server.NatsServer;
import dev.echelon.server.ServerConfig;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two Echelon servers in this JVM sharing one JetStream stream on a real nats-server process, every
 * request going to one or the other in turn: the scale-out deployment. Faults are NATS's own —
 * nats-server killed and restarted on its store or an empty one, the stream removed under the
 * servers, a stream small enough to evict during pushes — and an Echelon server restarted.
 */
final class NatsTarget implements Target {
  private final Workload.Settings settings;
  private final Path home;
  private final NatsServer nats;
  private final EchelonServer[] servers = new EchelonServer[2];
  private final int[] ports = {9, 9};
  private final AtomicInteger turn = new AtomicInteger();
  private volatile int generation = 1;
  private long lossFloor;

  NatsTarget(Workload.Settings settings, Path home) {
    this.settings = settings;
    this.home = home;
    this.nats = new NatsServer(home.resolve("nats"), "n1").start();
    for (int i = 0; i < 2; i++) start(i);
  }

  private ServerConfig config(int i) {
    return ServerConfig.forTesting(home.resolve("runs" + i)).newBuilder().log(nats.url()).natsStream("ECHELON", 1)
        .sse(settings.maxViewers(), Duration.ofSeconds(1), Duration.ofMillis(settings.stallMillis()))
        .tailCacheBytes(settings.tailCacheBytes()).retention(settings.retainBytes(), settings.retainReplays())
        .requestTimeout(Duration.ofSeconds(5)).build();
  }

  private synchronized void start(int i) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 50; attempt++) { // NATS may be coming back from a fault
      try {
        servers[i] = EchelonServer.start(config(i));
        ports[i] = servers[i].port();
        return;
      } catch (RuntimeException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new SimTarget.StartFailure("server " + i + " did not start on NATS: " + last, last);
  }

  @Override public String url(String path) {
    return "http://127.0.0.1:" + ports[Math.floorMod(turn.getAndIncrement(), 2)] + path;
  }

  @Override public int generation() {
    return generation;
  }

  @Override public long clockMillis() {
    return System.currentTimeMillis();
  }

  @Override public void advanceClock(long millis) {
    throw new UnsupportedOperationException("the NATS log keeps no time-based rules");
  }

  /** Restarts the Echelon servers one after the other (a rolling restart): the other serves meanwhile. */
  @Override public synchronized void restart() {
    for (int i = 0; i < 2; i++) {
      generation++;
      ports[i] = ports[1 - i]; // its requests go to the other while it restarts
      servers[i].close();
      start(i);
    }
  }

  @Override public void crash() {
    natsRestart(false);
  }

  @Override public void powerCut(boolean strict) {
    natsRestart(true);
  }

  @Override public void cutAfter(int ops, boolean strict) {
    // not for NATS; the final read-back disarms it, which is a no-op here
  }

  @Override public synchronized void natsRestart(boolean wipe) {
    try {
      if (wipe) lossFloor = Math.max(lossFloor, lastSequence());
      nats.kill();
      if (wipe) nats.wipe();
      nats.start();
      awaitStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override public synchronized void removeStream() {
    try (Connection nc = Nats.connect(nats.url())) {
      lossFloor = Math.max(lossFloor, lastSequence());
      nc.jetStreamManagement().deleteStream("ECHELON");
    } catch (Exception e) {
      throw new IllegalStateException("cannot remove the stream: " + e, e);
    }
    awaitStream();
  }

  /** Waits until a server made the stream again (within a few seconds), as a removal is followed by pushes. */
  private void awaitStream() {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < end) {
      try (Connection nc = Nats.connect(nats.url())) {
        nc.jetStreamManagement().getStreamInfo("ECHELON");
        return;
      } catch (Exception notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private long lastSequence() {
    try (Connection nc = Nats.connect(nats.url())) {
      return nc.jetStreamManagement().getStreamInfo("ECHELON").getStreamState().getLastSequence();
    } catch (Exception e) {
      return Long.MAX_VALUE / 2; // cannot tell: anything before now may be lost
    }
  }

  @Override public boolean sharedLog() {
    return true;
  }

  @Override public boolean sparesRecentReplays() {
    return false;
  }

  @Override public synchronized long lossFloor() {
    try (Connection nc = Nats.connect(nats.url())) {
      long first = nc.jetStreamManagement().getStreamInfo("ECHELON").getStreamState().getFirstSequence();
      return Math.max(lossFloor, first - 1); // what the stream's limits evicted
    } catch (Exception e) {
      return Long.MAX_VALUE / 2;
    }
  }

  @Override public String startSecond() {
    return "ECHELON_RUNS_DIR pid: a NATS deployment runs several servers by design";
  }

  @Override public String secondUrl(String path) {
    return url(path);
  }

  @Override public void stopSecond() {
    // nothing was started
  }

  @Override public void diskFull(boolean full) {
    // NATS's own disk is not part of these faults
  }

  @Override public void eio(boolean writes, int oneIn) {
    // idem
  }

  @Override public int corruptRecord(String replay, long salt) {
    return -1;
  }

  @Override public boolean corruptWorld(String hash) {
    return false;
  }

  @Override public List<String> leftovers(java.util.Set<String> listed) {
    return List.of();
  }

  @Override public Map<String, String> recoveredWithoutIndexes() {
    return null;
  }

  @Override public Map<String, String> recoveredWithIndexes() {
    return null;
  }

  @Override public synchronized void close() {
    for (EchelonServer s : servers) {
      if (s != null) s.close();
    }
    nats.close();
  }
}
