package dev.echelon.server.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Runs seeded random histories against the real server and checks each one; on a violation,
 * shrinks the workload to the shortest history found that still breaks the same invariant and
 * prints it with the seed that replays it. {@code ./bench.sh check --histories N} runs this for
 * as long as asked; {@link HistoryCheckIT} runs a bounded number in the test suite.
 */
public final class HistoryCheck {
  /** What one history came to. */
  record Result(Workload workload, List<String> violations, History history, long millis) {
    boolean failed() {
      return !violations.isEmpty();
    }
  }

  private HistoryCheck() {}

  /** Runs one workload against a fresh target and checks it. */
  static Result run(Workload w, Function<History, Target> targets, boolean deep) {
    long t0 = System.nanoTime();
    History h = new History();
    try (Target target = targets.apply(h); Runner runner = new Runner(w, target, h)) {
      runner.run();
      if (h.immediate.stream().noneMatch(v -> v.startsWith("I6"))) {
        Set<String> listed = h.observations.isEmpty() ? Set.of()
            : h.observations.get(h.observations.size() - 1).replays().keySet();
        h.leftovers = target.leftovers(listed);
        if (deep) {
          h.recoveredWith = target.recoveredWithIndexes();
          h.recoveredWithout = target.recoveredWithoutIndexes();
        }
      }
    } catch (SimTarget.StartFailure e) {
      h.immediate.add("I6 " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new Result(w, new Checker(w, h).check(), h, (System.nanoTime() - t0) / 1_000_000);
  }

  static Result simulated(Workload w) {
    return run(w, h -> new SimTarget(w.settings(), w.seed(), h), true);
  }

  /**
   * One workload against two servers sharing a stream on a real nats-server; every fourth seed on
   * a 3-node cluster with R3 instead ({@link #onCluster}).
   */
  static Result nats(Workload w) {
    java.nio.file.Path home;
    try {
      home = java.nio.file.Files.createTempDirectory("echelon-check-nats");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    boolean keep = false;
    try {
      Result r = run(w, h -> new NatsTarget(w.settings(), home, onCluster(w.seed())), false);
      keep = !r.violations().isEmpty();
      if (keep) System.out.println("seed " + w.seed() + ": nats-server logs kept in " + home + " (*/nats.log)");
      return r;
    } finally {
      if (!keep) deleteTree(home);
    }
  }

  private static void deleteTree(java.nio.file.Path home) {
    try (var walk = java.nio.file.Files.walk(home)) {
      for (var p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) java.nio.file.Files.deleteIfExists(p);
    } catch (java.io.IOException e) {
      // a temporary folder
    }
  }

  /** Where a harness failure came from: its first frames in our code. */
  static String where(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (StackTraceElement f : e.getStackTrace()) {
      if (!f.getClassName().startsWith("dev.echelon")) continue;
      b.append(" at ").append(f.getClassName().replaceAll(".*\\.", "")).append('.').append(f.getMethodName())
          .append(':').append(f.getLineNumber());
      if (b.length() > 300) break;
    }
    return b.toString();
  }

  /** Whether a NATS history runs on a 3-node R3 cluster (its NATS faults then hit the stream's leader). */
  static boolean onCluster(long seed) {
    return Math.floorMod(seed, 4) == 3;
  }

  /** One workload against the server in its own JVM, its runs directory under {@code home}. */
  static Result process(Workload w, java.nio.file.Path home) {
    return run(w, h -> new ProcessTarget(w.settings(), home), true);
  }

  /** The invariant a violation names ("I5 ..." gives "I5"). */
  static String invariant(String violation) {
    int sp = violation.indexOf(' ');
    return sp < 0 ? violation : violation.substring(0, sp);
  }

  /**
   * Delta debugging over the steps: drops ever smaller blocks of steps while the history still
   * breaks {@code invariant}, trying each candidate twice (threads interleave differently).
   */
  static Result shrink(Result failed, Function<Workload, Result> runner, Duration budget) {
    String invariant = invariant(failed.violations().get(0));
    long deadline = System.nanoTime() + budget.toNanos();
    Result best = failed;
    int block = Math.max(1, best.workload().steps().size() / 2);
    while (block >= 1 && System.nanoTime() < deadline) {
      boolean progress = false;
      for (int from = 0; from < best.workload().steps().size() && System.nanoTime() < deadline; from += block) {
        List<Step> fewer = new ArrayList<>(best.workload().steps());
        fewer.subList(from, Math.min(fewer.size(), from + block)).clear();
        if (fewer.isEmpty()) continue;
        Workload candidate = best.workload().withSteps(fewer);
        for (int attempt = 0; attempt < 2; attempt++) {
          Result r = runner.apply(candidate);
          if (r.violations().stream().anyMatch(v -> invariant(v).equals(invariant))) {
            best = r;
            progress = true;
            from -= block;
            break;
          }
        }
      }
      if (!progress) block /= 2;
    }
    return best;
  }

  /** The report of a failure: the seed, how to replay it, the violations and the shortest history found. */
  static String report(Result failed, Result shortest, String replayCommand) {
    StringBuilder b = new StringBuilder();
    b.append("HISTORY CHECK FAILED on seed ").append(failed.workload().seed()).append("\n  replay it: ")
        .append(replayCommand.replace("{seed}", String.valueOf(failed.workload().seed()))).append("\nviolations:\n");
    for (String v : failed.violations().subList(0, Math.min(20, failed.violations().size()))) b.append("  ").append(v).append('\n');
    if (failed.violations().size() > 20) b.append("  ... and ").append(failed.violations().size() - 20).append(" more\n");
    b.append("shortest history found (").append(shortest.workload().steps().size()).append(" of ")
        .append(failed.workload().steps().size()).append(" steps), which still breaks ")
        .append(invariant(failed.violations().get(0))).append(":\n").append(shortest.workload());
    b.append("its violations:\n");
    for (String v : shortest.violations().subList(0, Math.min(10, shortest.violations().size()))) b.append("  ").append(v).append('\n');
    return b.toString();
  }

  /** Faults the workloads of a run injected, by kind, for the figures. */
  static Map<String, Integer> faultCounts(List<Result> results) {
    Map<String, Integer> out = new TreeMap<>();
    for (Result r : results) {
      for (History.Fault f : r.history().faults) {
        String kind = f.what().replaceAll("[0-9]+", "N").replaceAll(" of r\\S+", "").replaceAll("1/N", "");
        out.merge(kind, 1, Integer::sum);
      }
    }
    return out;
  }

  /**
   * {@code HistoryCheck [--histories N] [--seed S] [--minutes M]}: runs histories from seed S on,
   * printing progress, and on a failure the shrunk history; exits 1 when any failed.
   */
  public static void main(String[] args) {
    quietServerLogs();
    int histories = 100;
    long seed = System.currentTimeMillis() % 1_000_000;
    boolean keepGoing = false;
    boolean nats = false;
    boolean print = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--histories" -> histories = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--keep-going" -> keepGoing = true;
        case "--nats" -> nats = true;
        case "--print" -> print = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: HistoryCheck [--histories N] [--seed S] [--keep-going] [--nats] [--seed S --print]");
      }
    }
    Backend backend = nats ? Backend.NATS : Backend.FILE;
    if (print) {
      if (nats) System.out.println(onCluster(seed) ? "on a 3-node cluster, R3" : "on one nats-server, R1");
      System.out.print(Workload.random(seed, backend.faults));
      return;
    }
    if (keepGoing) {
      System.exit(survey(seed, histories, backend, System.out) == 0 ? 0 : 1);
    }
    Result failed = runMany(seed, histories, backend, System.out);
    System.exit(failed == null ? 0 : 1);
  }

  /** Runs every history without stopping, printing each failing seed with the invariants it broke; returns the failures. */
  static int survey(long seed, int n, Backend backend, java.io.PrintStream out) {
    java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
    Map<String, Integer> byInvariant = new java.util.concurrent.ConcurrentSkipListMap<>();
    long t0 = System.nanoTime();
    runAll(seed, n, backend, r -> {
      int k = finished.incrementAndGet();
      if (r.failed()) {
        failures.incrementAndGet();
        Set<String> kinds = new TreeSet<>();
        for (String v : r.violations()) kinds.add(invariant(v));
        kinds.forEach(i -> byInvariant.merge(i, 1, Integer::sum));
        synchronized (out) {
          out.println("seed " + r.workload().seed() + ": " + kinds + "  e.g. " + r.violations().get(0));
          if (System.getenv("ECHELON_CHECK_TIMELINE") != null) {
            r.violations().stream().limit(20).forEach(v -> out.println("  " + v));
            out.print(r.history().timeline());
          }
          if (FailureLog.wanted()) out.print(FailureLog.dump());
        }
      }
      if (k % 10 == 0 || k == n) {
        out.printf("history check: %d/%d histories, %d failed, %.2f histories/s%n", k, n, failures.get(),
            k / ((System.nanoTime() - t0) / 1e9));
      }
      return true;
    });
    out.println(failures.get() + " of " + n + " histories failed; histories breaking each invariant: " + byInvariant);
    return failures.get();
  }

  /**
   * Runs histories {@code seed..seed+n-1}, {@link #threads} at a time, handing each result to
   * {@code each} as it finishes; stops taking new ones once {@code each} answers false.
   */
  private static void runAll(long seed, int n, Backend backend, java.util.function.Predicate<Result> each) {
    java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong(seed);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    int threads = threads(backend);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      pool.execute(() -> {
        long k;
        while (!stop.get() && (k = next.getAndIncrement()) < seed + n) {
          if (threads == 1) FailureLog.clear();
          Result r;
          try {
            r = backend.run(k);
          } catch (RuntimeException e) { // the harness itself failed (say, NATS would not answer it): say so, go on
            r = new Result(Workload.random(k, backend.faults), List.of("HARNESS " + e + where(e)), new History(), 0);
          }
          if (!each.test(r)) stop.set(true);
        }
      });
    }
    pool.shutdown();
    try {
      pool.awaitTermination(7, java.util.concurrent.TimeUnit.DAYS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The servers' own log lines are noise here (every fault is reported); ECHELON_CHECK_LOG=1 shows
   * them, ECHELON_CHECK_LOG=failures those of failing histories (with ECHELON_CHECK_THREADS=1).
   */
  static void quietServerLogs() {
    if (FailureLog.wanted()) {
      FailureLog.install();
      return;
    }
    if (System.getenv("ECHELON_CHECK_LOG") != null) return;
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    for (var handler : root.getHandlers()) root.removeHandler(handler);
    root.setLevel(java.util.logging.Level.OFF);
  }

  /**
   * Histories run at a time (ECHELON_CHECK_THREADS, else one per core; twice that on NATS, whose
   * histories mostly wait for nats-server to come back).
   */
  static int threads(Backend backend) {
    String t = System.getenv("ECHELON_CHECK_THREADS");
    int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
    return t != null ? Integer.parseInt(t.strip()) : backend == Backend.NATS ? 2 * cores : cores;
  }

  /** Which log the histories run against, and how. */
  enum Backend {
    FILE(Workload.Faults.SIMULATED_DISK), NATS(Workload.Faults.NATS);

    final Workload.Faults faults;

    Backend(Workload.Faults faults) {
      this.faults = faults;
    }

    Result run(Workload w) {
      return this == NATS ? nats(w) : simulated(w);
    }

    Result run(long seed) {
      return run(Workload.random(seed, faults));
    }
  }

  static Result runMany(long seed, int n, java.io.PrintStream out) {
    return runMany(seed, n, Backend.FILE, out);
  }

  /** Runs {@code n} histories from {@code seed}; returns the first failure (reported with its shrunk history), or null. */
  static Result runMany(long seed, int n, Backend backend, java.io.PrintStream out) {
    List<Result> done = java.util.Collections.synchronizedList(new ArrayList<>());
    long t0 = System.nanoTime();
    java.util.concurrent.atomic.AtomicReference<Result> failure = new java.util.concurrent.atomic.AtomicReference<>();
    runAll(seed, n, backend, r -> {
      if (r.failed()) {
        failure.compareAndSet(null, r);
        return false;
      }
      done.add(r);
      int finished = done.size();
      if (finished % 10 == 0 || finished == n) {
        out.printf("history check: %d/%d histories, 0 violations, %.1f histories/s%n", finished, n,
            finished / ((System.nanoTime() - t0) / 1e9));
      }
      return true;
    });
    Result failed = failure.get();
    if (failed != null) {
      out.println();
      Result shortest = shrink(failed, backend::run, Duration.ofMinutes(3));
      out.println(report(failed, shortest, backend == Backend.NATS ? "./bench.sh check --nats --histories 1 --seed {seed}"
          : "ECHELON_CHECK_SEED={seed} ./test.sh -pl echelon-server -Dtest=HistoryCheckIT"));
      return failed;
    }
    double s = (System.nanoTime() - t0) / 1e9;
    int steps = done.stream().mapToInt(r -> r.workload().steps().size()).sum();
    out.printf("history check: %d histories (seeds %d..%d), %d steps, 0 violations in %.1f s (%.2f histories/s,"
        + " %d at a time)%n", n, seed, seed + n - 1, steps, s, n / s, threads(backend));
    out.println("faults injected: " + faultCounts(done));
    if (System.getenv("ECHELON_CHECK_PROFILE") != null) {
      Runner.PROFILE.forEach((k, v) -> out.printf("  %-14s %8.1f s%n", k, v.sum() / 1e9));
    }
    return null;
  }
}
