package dev.echelon.server.check;

import dev.echelon.server.EchelonServer;
import dev.echelon.server.ServerConfig;
import dev.echelon.server.log.LogFiles;
import dev.echelon.server.log.SimulatedDisk;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real server, in this JVM, over real HTTP on loopback, keeping its files on a
 * {@link SimulatedDisk} and telling time by a clock the workload moves: the target for power cuts,
 * EIO, a full disk and time passing. A {@code kill -9} fences the old incarnation's disk handles and
 * closes it; the next one starts on what the disk kept.
 */
class SimTarget implements Target {
  static final Path RUNS = Path.of("/runs");

  private final Workload.Settings settings;
  private final AtomicLong offset = new AtomicLong();
  private final InstantSource clock = () -> Instant.ofEpochMilli(System.currentTimeMillis() + offset.get());
  final SimulatedDisk disk;
  private final Random random;
  private final Semaphore cutHappened = new Semaphore(0);
  private final Thread restarter;
  private final History history;
  private volatile EchelonServer server;
  /** The running incarnation's port; a closed port (9, discard) between incarnations. */
  private volatile int port = 9;
  private volatile EchelonServer second;
  private volatile int generation = 1;
  /** Power cuts the running incarnation started after. */
  private long handledCuts;
  private volatile boolean closed;
  private SimulatedDisk snapshot;
  private volatile int eioOneIn;
  private volatile boolean eioWrites;

  SimTarget(Workload.Settings settings, long seed, History history) {
    this.settings = settings;
    this.history = history;
    this.random = new Random(seed);
    this.disk = new SimulatedDisk(seed, clock::millis);
    disk.faults((op, path) -> {
      int n = eioOneIn;
      if (n == 0 || !path.toString().contains("/replays/")) return false;
      boolean write = op == SimulatedDisk.Op.WRITE || op == SimulatedDisk.Op.FORCE;
      boolean read = op == SimulatedDisk.Op.READ;
      return (eioWrites ? write : read) && ThreadLocalRandomHolder.next(n);
    });
    start();
    restarter = Thread.ofPlatform().daemon().name("sim-restarter").start(this::restartAfterCuts);
  }

  /** EIO decisions must not disturb the workload's seeded generator. */
  private static final class ThreadLocalRandomHolder {
    static boolean next(int oneIn) {
      return java.util.concurrent.ThreadLocalRandom.current().nextInt(oneIn) == 0;
    }
  }

  ServerConfig config() {
    return ServerConfig.forTesting(RUNS).newBuilder()
        .sse(settings.maxViewers(), Duration.ofSeconds(1), Duration.ofMillis(settings.stallMillis()))
        .tailCacheBytes(settings.tailCacheBytes()).retention(settings.retainBytes(), settings.retainReplays())
        .fsync(settings.fsync()).requestTimeout(Duration.ofSeconds(5)).build();
  }

  /** Starts the incarnation numbered {@link #generation}; a power cut during start-up reboots again. */
  private synchronized void start() {
    while (true) {
      long cuts = disk.powerCuts();
      int episodes = history.eioEpisodes.get();
      boolean failing = history.eioReads || history.eioWrites;
      try {
        server = EchelonServer.start(config(), disk.mount(), clock);
        if (failing || history.eioReads || history.eioWrites || history.eioEpisodes.get() != episodes) {
          // recovery may have had to leave a replay it could not read, cut or force, and said so
          history.degraded.add(generation);
        }
        if (disk.powerCuts() != cuts) { // the power went during start-up (maybe in a background pass): boot again
          stop(server);
          continue;
        }
        port = server.port();
        handledCuts = cuts;
        return;
      } catch (RuntimeException e) {
        server = null;
        if (disk.powerCuts() != cuts) continue; // the power went during start-up: boot again
        throw new StartFailure("the server did not start again (generation " + generation + "): " + e, e);
      }
    }
  }

  /** The server would not start on what was left: invariant I6. */
  static final class StartFailure extends RuntimeException {
    StartFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private void stop(EchelonServer s) {
    if (s == null) return;
    try {
      s.close();
    } catch (RuntimeException e) {
      history.immediate.add("I6 the server did not close cleanly: " + e);
    }
  }

  @Override public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Override public int generation() {
    return generation;
  }

  @Override public long clockMillis() {
    return clock.millis();
  }

  @Override public void advanceClock(long millis) {
    offset.addAndGet(millis);
  }

  /** Ends the running incarnation after {@code fault} and starts the next; ends seen from here on belong to it. */
  private synchronized void replace(Runnable fault) {
    reboot(); // a power cut that went off comes first
    EchelonServer old = server;
    fault.run();
    generation++;
    port = 9;
    long t0 = System.nanoTime();
    stop(old);
    Runner.PROFILE.computeIfAbsent("(stop)", k -> new java.util.concurrent.atomic.LongAdder()).add(System.nanoTime() - t0);
    t0 = System.nanoTime();
    start();
    Runner.PROFILE.computeIfAbsent("(start)", k -> new java.util.concurrent.atomic.LongAdder()).add(System.nanoTime() - t0);
  }

  @Override public void restart() {
    replace(() -> { });
  }

  @Override public void crash() {
    replace(disk::crash);
  }

  @Override public void powerCut(boolean strict) {
    replace(() -> disk.powerCut(strict ? SimulatedDisk.Cut.FORGET_UNFORCED : SimulatedDisk.Cut.KEEP_SOME_UNFORCED));
  }

  @Override public void cutAfter(int ops, boolean strict) {
    disk.cutPowerAfter(ops, strict ? SimulatedDisk.Cut.FORGET_UNFORCED : SimulatedDisk.Cut.KEEP_SOME_UNFORCED, () -> {
      generation++; // before anything of the dying server can fail in front of a client
      port = 9;
      cutHappened.release();
    });
  }

  private void restartAfterCuts() {
    while (!closed) {
      try {
        cutHappened.acquire();
      } catch (InterruptedException e) {
        return;
      }
      try {
        reboot();
      } catch (StartFailure f) {
        history.immediate.add("I6 " + f.getMessage());
      }
    }
  }

  /** Boots again after an armed power cut went off, unless that was done already. */
  private synchronized void reboot() {
    if (closed || disk.powerCuts() == handledCuts) return; // none pending, or a start-up it hit booted again
    history.faults.add(new History.Fault(0, clock.millis(), generation, "power cut (armed) went off"));
    stop(server);
    start();
  }

  @Override public synchronized String startSecond() {
    reboot(); // the machine reboots before anyone starts a second server on it
    try {
      second = EchelonServer.start(config(), disk.mount(), clock);
    } catch (RuntimeException e) {
      return String.valueOf(e.getMessage());
    }
    if (disk.powerCuts() != handledCuts) {
      // the first server died in a power cut meanwhile: this one rightly took the directory over
      stop(second);
      second = null;
      reboot();
      return "ECHELON_RUNS_DIR was free: its pid died in a power cut";
    }
    return null;
  }

  @Override public String secondUrl(String path) {
    return "http://127.0.0.1:" + second.port() + path;
  }

  @Override public synchronized void stopSecond() {
    stop(second);
    second = null;
  }

  @Override public void diskFull(boolean full) {
    disk.capacity(full ? disk.used() : Long.MAX_VALUE);
  }

  @Override public void eio(boolean writes, int oneIn) {
    eioWrites = writes;
    eioOneIn = oneIn;
  }

  @Override public int corruptRecord(String replay, long salt) {
    Path log = RUNS.resolve("replays").resolve(replay).resolve(LogFiles.logName());
    byte[] bytes = disk.contents(log);
    if (bytes == null) return -1;
    List<LogFiles.Record> records = LogFiles.records(bytes);
    if (records.isEmpty()) return -1;
    LogFiles.Record r = records.get(Math.floorMod(salt, records.size()));
    disk.damage(log, r.offset() + (int) Math.floorMod(salt >>> 8, r.length()));
    return r.chunkIndex();
  }

  @Override public boolean corruptWorld(String hash) {
    Path file = RUNS.resolve("worlds").resolve(hash + ".json.gz");
    byte[] bytes = disk.contents(file);
    if (bytes == null) return false;
    disk.truncate(file, bytes.length / 2);
    return true;
  }

  @Override public List<String> leftovers(java.util.Set<String> listed) {
    return Archive.leftovers(disk.tree(RUNS), RUNS.toString(), listed);
  }

  @Override public Map<String, String> recoveredWithoutIndexes() {
    SimulatedDisk copy = snapshot().copy(random.nextLong());
    for (String p : copy.tree(RUNS)) if (p.endsWith("/replay.idx")) copy.truncate(Path.of(p), 0);
    return Archive.recovered(copy, clock, config());
  }

  @Override public Map<String, String> recoveredWithIndexes() {
    return Archive.recovered(snapshot().copy(random.nextLong()), clock, config());
  }

  /** The disk as it was when first asked: both recoveries start from the same bytes, whatever the server does next. */
  private synchronized SimulatedDisk snapshot() {
    if (snapshot == null) snapshot = disk.copy(random.nextLong());
    return snapshot;
  }

  @Override public synchronized void close() {
    closed = true;
    restarter.interrupt();
    stop(second);
    stop(server);
  }
}
