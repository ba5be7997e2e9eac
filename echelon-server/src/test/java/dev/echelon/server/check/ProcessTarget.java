package dev.echelon.server.check;

import dev.echelon.server.ServerConfig;
import dev.echelon.server.Tmpfs;
import dev.echelon.server.log.LogFiles;
import dev.echelon.server.log.Storage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The server as {@code java -jar} runs it, in a JVM of its own on a real disk: {@code kill -9} for
 * real (the page cache survives, as it does), SIGTERM, a second process on the same runs
 * directory, damage to real files, and, as root, a real full disk on a small tmpfs. Slower than
 * {@link SimTarget} (a JVM per start), so CI runs a few of these histories.
 */
final class ProcessTarget implements Target {
  private final Workload.Settings settings;
  private final Path home;
  private final Path runs;
  private final Tmpfs tmpfs;
  /** Each incarnation listens on a port of its own, as SimTarget's do: a client's pooled connection to a dead one is never reused. */
  private volatile int port;
  private Process server;
  private Process second;
  private int secondPort;
  private Path filler;
  private volatile int generation = 1;

  ProcessTarget(Workload.Settings settings, Path home) {
    this.settings = settings;
    this.home = home;
    Tmpfs t = null;
    try {
      if ("root".equals(System.getProperty("user.name"))) t = Tmpfs.mount(home, "96m");
    } catch (IOException e) {
      t = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    this.tmpfs = t;
    this.runs = (t != null ? t.dir : home).resolve("runs");
    this.port = freePort();
    server = launch(port);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Process launch(int at) {
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "dev.echelon.server.Main", "--host", "127.0.0.1",
        "--port", String.valueOf(at));
    Map<String, String> env = pb.environment();
    env.put("ECHELON_RUNS_DIR", runs.toString());
    env.put("ECHELON_SSE_MAX_CLIENTS", String.valueOf(settings.maxViewers()));
    env.put("ECHELON_SSE_KEEPALIVE_S", "1");
    env.put("ECHELON_SSE_STALL_S", String.valueOf(settings.stallMillis() / 1000.0));
    env.put("ECHELON_TAIL_CACHE_BYTES", String.valueOf(settings.tailCacheBytes()));
    env.put("ECHELON_RETAIN_MAX_REPLAYS", String.valueOf(settings.retainReplays()));
    env.put("ECHELON_RETAIN_MAX_BYTES", String.valueOf(settings.retainBytes()));
    env.put("ECHELON_FSYNC", String.valueOf(settings.fsync()));
    env.put("ECHELON_REQUEST_TIMEOUT_S", "5");
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()));
    try {
      Process p = pb.start();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < end) {
        if (!p.isAlive()) throw new SimTarget.StartFailure("the server exited at start-up; see " + home + "/server.log", null);
        try (var in = java.net.URI.create("http://127.0.0.1:" + at + "/health").toURL().openStream()) {
          if (new String(in.readAllBytes()).contains("\"ok\"")) return p;
        } catch (IOException e) {
          Thread.sleep(20);
        }
      }
      p.destroyForcibly();
      throw new SimTarget.StartFailure("the server did not answer /health within 30 s; see " + home + "/server.log", null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Override public int generation() {
    return generation;
  }

  @Override public long clockMillis() {
    return System.currentTimeMillis();
  }

  @Override public void advanceClock(long millis) {
    throw new UnsupportedOperationException("a server process tells the time by the machine's clock");
  }

  private synchronized void replace(boolean kill) {
    generation++;
    port = 9; // nothing reaches the dying incarnation as if it were the next one
    try {
      if (kill) server.destroyForcibly();
      else server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    port = freePort();
    server = launch(port);
  }

  @Override public void restart() {
    replace(false);
  }

  @Override public void crash() {
    replace(true);
  }

  @Override public void powerCut(boolean strict) {
    throw new UnsupportedOperationException("a real disk cannot lose its page cache on demand");
  }

  @Override public void cutAfter(int ops, boolean strict) {
    // not for real disks; the final read-back disarms it, which is a no-op here
  }

  @Override public synchronized String startSecond() {
    secondPort = freePort();
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "dev.echelon.server.Main", "--host", "127.0.0.1",
        "--port", String.valueOf(secondPort));
    pb.environment().put("ECHELON_RUNS_DIR", runs.toString());
    pb.redirectErrorStream(true);
    try {
      Process p = pb.start();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < end) {
        if (p.waitFor(50, TimeUnit.MILLISECONDS)) return new String(p.getInputStream().readAllBytes()).strip();
        try (var in = java.net.URI.create("http://127.0.0.1:" + secondPort + "/health").toURL().openStream()) {
          if (new String(in.readAllBytes()).contains("\"ok\"")) {
            second = p;
            return null;
          }
        } catch (IOException e) {
          // not up yet
        }
      }
      p.destroyForcibly();
      return "the second server neither started nor refused within 30 s";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Override public String secondUrl(String path) {
    return "http://127.0.0.1:" + secondPort + path;
  }

  @Override public synchronized void stopSecond() {
    if (second != null) second.destroyForcibly();
    second = null;
  }

  @Override public void diskFull(boolean full) {
    if (tmpfs == null) return;
    try {
      if (full && filler == null) filler = tmpfs.fill();
      else if (!full && filler != null) {
        Files.deleteIfExists(filler);
        filler = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override public void eio(boolean writes, int oneIn) {
    // a real disk fails when it fails
  }

  @Override public int corruptRecord(String replay, long salt) {
    Path log = runs.resolve("replays").resolve(replay).resolve(LogFiles.logName());
    try {
      if (!Files.isRegularFile(log)) return -1;
      List<LogFiles.Record> records = LogFiles.records(Files.readAllBytes(log));
      if (records.isEmpty()) return -1;
      LogFiles.Record r = records.get((int) Math.floorMod(salt, records.size()));
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
        long at = r.offset() + Math.floorMod(salt >>> 8, r.length());
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0x5a);
      }
      return r.chunkIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override public boolean corruptWorld(String hash) {
    Path file = runs.resolve("worlds").resolve(hash + ".json.gz");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() / 2);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override public List<String> leftovers(java.util.Set<String> listed) {
    try (var walk = Files.walk(runs)) {
      List<String> tree = new ArrayList<>();
      walk.filter(p -> !p.equals(runs)).forEach(p -> tree.add(p + (Files.isDirectory(p) ? "/" : "")));
      tree.sort(null);
      return Archive.leftovers(tree, runs.toString(), listed);
    } catch (IOException e) {
      return List.of("cannot list " + runs + ": " + e);
    }
  }

  private Map<String, String> recoveredFromCopy(boolean withIndexes) {
    Path copy = home.resolve(withIndexes ? "copy-with" : "copy-without");
    try {
      exec("rm", "-rf", copy.toString());
      exec("cp", "-a", runs.toString(), copy.toString());
      Files.deleteIfExists(copy.resolve("echelon.lock"));
      if (!withIndexes) {
        try (var walk = Files.walk(copy)) {
          for (Path p : walk.filter(p -> p.getFileName().toString().equals("replay.idx")).toList()) Files.delete(p);
        }
      }
      ServerConfig c = ServerConfig.forTesting(copy).newBuilder().fsync(false).build();
      return Archive.recovered(Storage.disk(), InstantSource.system(), c);
    } catch (IOException e) {
      return new TreeMap<>(Map.of("error", e.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  private static void exec(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) throw new IOException("failed: " + String.join(" ", cmd));
  }

  @Override public Map<String, String> recoveredWithoutIndexes() {
    return recoveredFromCopy(false);
  }

  @Override public Map<String, String> recoveredWithIndexes() {
    return recoveredFromCopy(true);
  }

  @Override public synchronized void close() {
    if (second != null) second.destroyForcibly();
    server.destroyForcibly();
    try {
      server.waitFor(10, TimeUnit.SECONDS);
      if (tmpfs != null) tmpfs.close();
    } catch (IOException e) {
      // unmounted lazily
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
