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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two Echelon servers in this JVM sharing one JetStream stream on a real nats-server process (or a
 * 3-node cluster with R3), every request going to one or the other in turn: the scale-out
 * deployment. Faults are NATS's own — nats-server killed and restarted on its store or an empty
 * one (in a cluster: the stream's leader, whose data its peers hold), the stream removed under the
 * servers, a stream small enough to evict during pushes — and an Echelon server restarted.
 */
final class NatsTarget implements Target {
  private final Workload.Settings settings;
  private final Path home;
  private final List<NatsServer> nodes;
  private final EchelonServer[] servers = new EchelonServer[2];
  private final int[] ports = {9, 9};
  private final AtomicInteger turn = new AtomicInteger();
  private volatile int generation = 1;
  private long lossFloor;

  /** @param cluster three nodes and R3, else one node and R1 */
  NatsTarget(Workload.Settings settings, Path home, boolean cluster) {
    this.settings = settings;
    this.home = home;
    if (cluster) {
      List<NatsServer> n = List.of(new NatsServer(home.resolve("n1"), "n1"), new NatsServer(home.resolve("n2"), "n2"),
          new NatsServer(home.resolve("n3"), "n3"));
      List<Integer> routes = n.stream().map(x -> x.clusterPort).toList();
      for (NatsServer x : n) x.cluster(routes).start();
      this.nodes = n;
    } else {
      this.nodes = List.of(new NatsServer(home.resolve("nats"), "n1").start());
    }
    for (int i = 0; i < 2; i++) start(i);
  }

  private String urls() {
    return String.join(",", nodes.stream().map(NatsServer::url).toList());
  }

  private ServerConfig config(int i) {
    return ServerConfig.forTesting(home.resolve("runs" + i)).newBuilder().log(urls()).natsStream("ECHELON", nodes.size())
        .sse(settings.maxViewers(), Duration.ofSeconds(1), Duration.ofMillis(settings.stallMillis()))
        .tailCacheBytes(settings.tailCacheBytes()).retention(settings.retainBytes(), settings.retainReplays())
        .requestTimeout(Duration.ofSeconds(5)).build();
  }

  private synchronized void start(int i) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 100; attempt++) { // NATS may be coming back from a fault, a cluster electing
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
      if (nodes.size() == 1) {
        restart(nodes.get(0), wipe);
        awaitStream(wipe);
      } else {
        // the leader is hit (killed, or its store wiped) only while every copy holds every message: with one copy
        // behind, an acknowledged message may be on the leader and one other node only, and R3 promises to survive
        // one lost node, not that; a cluster still catching up gets a follower killed instead
        boolean agreed = awaitReplicasCurrent();
        NatsServer leader = leader();
        restart(agreed ? leader : nodes.stream().filter(n -> n != leader).findFirst().orElse(leader), wipe && agreed);
        awaitReplicasCurrent();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void restart(NatsServer node, boolean wipe) throws IOException, InterruptedException {
    node.kill();
    if (wipe) node.wipe();
    node.start();
  }

  /** The node leading the stream (the first node when it cannot be told). */
  private NatsServer leader() {
    try (Connection nc = connect()) {
      String name = nc.jetStreamManagement().getStreamInfo("ECHELON").getClusterInfo().getLeader();
      for (int i = 0; i < nodes.size(); i++) if (("n" + (i + 1)).equals(name)) return nodes.get(i);
    } catch (Exception e) {
      // no leader now (an election): any node will do
    }
    return nodes.get(0);
  }

  /**
   * Waits (up to 30 s) until every replica of the stream is current again, so the next fault takes no
   * quorum; false when they never were.
   */
  private boolean awaitReplicasCurrent() {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      try (Connection nc = connect()) {
        var info = nc.jetStreamManagement().getStreamInfo("ECHELON").getClusterInfo();
        if (info.getLeader() != null && info.getReplicas() != null && info.getReplicas().size() == nodes.size() - 1
            && info.getReplicas().stream().allMatch(r -> r.isCurrent() && !r.isOffline()) && copiesAgree()) {
          return true;
        }
      } catch (Exception notYet) {
        // electing
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /**
   * Whether every node's own copy of the stream holds the same messages. A replica that came back
   * with an empty store is called current by the leader as soon as its raft log is, while it still
   * fetches the messages; wiping the leader then would leave it alone with the data, which is more
   * than R3 promises to survive (two stores lost), not a fault of the server under test.
   */
  private boolean copiesAgree() {
    List<long[]> copies = new ArrayList<>();
    for (NatsServer n : nodes) copies.add(n.localStream("ECHELON"));
    if (copies.stream().allMatch(java.util.Objects::isNull)) return true; // no stream anywhere: nothing to lose
    return copies.stream().allMatch(c -> c != null && java.util.Arrays.equals(c, copies.get(0)));
  }

  private Connection connect() throws IOException, InterruptedException {
    return Nats.connect(new io.nats.client.Options.Builder().servers(urls().split(",")).build());
  }

  @Override public synchronized void removeStream() {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    java.time.ZonedDateTime target = null; // the stream this removal is for: a retry must not remove the next one
    while (true) { // as an operator would: a busy NATS may time out a request, so try again
      try (Connection nc = connect()) {
        var jsm = nc.jetStreamManagement();
        java.time.ZonedDateTime now = jsm.getStreamInfo("ECHELON").getCreateTime();
        if (target == null) target = now;
        else if (!target.equals(now)) break; // the first try removed it; a server has made it again since
        jsm.deleteStream("ECHELON");
        break;
      } catch (io.nats.client.JetStreamApiException e) {
        if (e.getApiErrorCode() == 10059) break; // not there now: a server is making it again
        if (System.nanoTime() > end) throw new IllegalStateException("cannot remove the stream: " + e, e);
      } catch (Exception e) {
        if (System.nanoTime() > end) throw new IllegalStateException("cannot remove the stream: " + e, e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    awaitStream(true);
  }

  /**
   * Waits until a server made the stream again (within a few seconds), as a removal is followed by
   * pushes. After a loss, what may be lost is exactly what lies below the new stream's first id: it
   * is made to go on above every id any server handed out, whatever was appended up to the loss.
   */
  private void awaitStream(boolean lost) {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < end) {
      try (Connection nc = connect()) {
        var info = nc.jetStreamManagement().getStreamInfo("ECHELON");
        // a server making it again first claims it on a subject of its own, then purges it up to the high water
        if (info.getConfiguration().getSubjects().stream().anyMatch(x -> x.startsWith("ECHELON._making."))) {
          throw new IllegalStateException("still being made");
        }
        if (lost) lossFloor = Math.max(lossFloor, info.getStreamState().getFirstSequence() - 1);
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

  @Override public boolean sharedLog() {
    return true;
  }

  @Override public boolean sparesRecentReplays() {
    return false;
  }

  @Override public synchronized long lossFloor() {
    try (Connection nc = connect()) {
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
    for (NatsServer n : nodes) n.close();
  }
}
