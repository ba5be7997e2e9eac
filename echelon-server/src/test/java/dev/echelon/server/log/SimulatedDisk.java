package dev.echelon.server.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * A disk in memory that keeps exactly what a careful storage engineer may count on: a file's bytes
 * survive a power cut once its channel was forced, and a name (created, renamed, removed) once its
 * directory was forced. {@link #powerCut} forgets the rest, either strictly or keeping a random,
 * possibly torn, part of it as real disks do; {@link #crash} is a {@code kill -9} (the page cache
 * survives). Each {@link #mount} is one server incarnation: after a cut or crash its handles fail,
 * so a dying server cannot write into its successor's disk. It also fills up ({@link #capacity})
 * and fails chosen operations with EIO ({@link #faults}).
 */
public final class SimulatedDisk {
  /** What a power cut keeps of the bytes and names that were not forced. */
  public enum Cut { FORGET_UNFORCED, KEEP_SOME_UNFORCED }

  /** A file operation, for fault injection. */
  public enum Op { OPEN, READ, WRITE, FORCE, LIST, MOVE, DELETE, MKDIR, FORCE_DIR, STAT }

  /** Decides whether an operation fails with EIO. */
  @FunctionalInterface
  public interface Faults {
    boolean eio(Op op, Path path);
  }

  final Object lock = new Object();
  final Dir root = new Dir();
  private final Random random;
  private final LongSupplier clock;
  final Map<Path, SimulatedMount> locks = new TreeMap<>();
  long epoch = 1;
  long capacity = Long.MAX_VALUE;
  long used;
  volatile Faults faults = (op, path) -> false;
  private long opsLeft = Long.MAX_VALUE;
  private Runnable onCut;
  private Cut cutOnOps = Cut.FORGET_UNFORCED;
  long powerCuts;

  public SimulatedDisk(long seed, LongSupplier clockMillis) {
    this.random = new Random(seed);
    this.clock = clockMillis;
  }

  /** A new incarnation's view of the disk: what one server process opens its files through. */
  public Storage mount() {
    synchronized (lock) {
      return new SimulatedMount(this, epoch);
    }
  }

  /** Writes beyond this many bytes (of all files together) fail with "No space left on device". */
  public void capacity(long bytes) {
    synchronized (lock) {
      capacity = bytes;
    }
  }

  public long used() {
    synchronized (lock) {
      return used;
    }
  }

  public void faults(Faults f) {
    faults = f;
  }

  /**
   * Cuts the power when {@code n} more operations have been made, inside the operation that hits
   * it; {@code then} runs right after, under the disk's lock, so it must be quick (the harness
   * marks a new generation there and reboots the server on another thread).
   */
  public void cutPowerAfter(long n, Cut how, Runnable then) {
    synchronized (lock) {
      opsLeft = n;
      cutOnOps = how;
      onCut = then;
    }
  }

  /** A power cut: everything not made durable is forgotten (or partly kept), every handle dies. */
  public void powerCut(Cut how) {
    synchronized (lock) {
      opsLeft = Long.MAX_VALUE;
      epoch++;
      powerCuts++;
      locks.clear();
      Set<Inode> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      restore(root, how, seen);
      used = 0;
      for (Inode i : seen) used += i.length;
    }
  }

  /** {@code kill -9}: the process's handles and locks die; the page cache keeps every byte. */
  public void crash() {
    synchronized (lock) {
      epoch++;
      locks.clear();
    }
  }

  public long powerCuts() {
    synchronized (lock) {
      return powerCuts;
    }
  }

  /** Counts an operation of {@code mount}, cutting the power when the armed count runs out. */
  void tick(SimulatedMount mount) throws IOException {
    synchronized (lock) {
      if (mount.epoch != epoch) throw new IOException("Input/output error (the process of this handle is gone)");
      if (--opsLeft == 0) {
        powerCut(cutOnOps);
        if (onCut != null) onCut.run(); // in the same step: nobody sees the disk gone before the world knows
        throw new IOException("Input/output error (power cut)");
      }
    }
  }

  long now() {
    return clock.getAsLong();
  }

  // ---- what the fault injector and the checker do behind the server's back -------------------

  /** A file's bytes as the page cache holds them, or null when there is no such file. */
  public byte[] contents(Path file) {
    synchronized (lock) {
      return node(file) instanceof Inode i ? Arrays.copyOf(i.data, i.length) : null;
    }
  }

  /** Media damage: the byte at {@code offset} goes bad, in the cache and on the medium alike. */
  public void damage(Path file, int offset) {
    synchronized (lock) {
      if (!(node(file) instanceof Inode i) || offset >= i.length) return;
      i.data[offset] ^= (byte) 0x5a;
      if (offset < i.durable.length) i.durable[offset] ^= (byte) 0x5a;
    }
  }

  /** Media damage: the file loses its tail, in the cache and on the medium alike. */
  public void truncate(Path file, int length) {
    synchronized (lock) {
      if (!(node(file) instanceof Inode i) || length >= i.length) return;
      used -= i.length - length;
      i.length = length;
      i.durable = Arrays.copyOf(i.durable, Math.min(i.durable.length, length));
    }
  }

  /** Every path under {@code dir} (directories end in "/"), sorted. */
  public List<String> tree(Path dir) {
    synchronized (lock) {
      List<String> out = new ArrayList<>();
      if (node(dir) instanceof Dir d) walk(d, dir.toAbsolutePath().normalize().toString(), out);
      return out;
    }
  }

  private static void walk(Dir d, String prefix, List<String> out) {
    for (var e : d.entries.entrySet()) {
      String p = prefix + "/" + e.getKey();
      if (e.getValue() instanceof Dir sub) {
        out.add(p + "/");
        walk(sub, p, out);
      } else {
        out.add(p);
      }
    }
  }

  /** A copy of the disk as it is now (cached bytes and names count as on the medium), for a second look. */
  public SimulatedDisk copy(long seed) {
    synchronized (lock) {
      SimulatedDisk c = new SimulatedDisk(seed, clock);
      copy(root, c.root, new IdentityHashMap<>());
      c.used = used;
      return c;
    }
  }

  private static void copy(Dir from, Dir to, IdentityHashMap<Inode, Inode> inodes) {
    for (var e : from.entries.entrySet()) {
      if (e.getValue() instanceof Dir sub) {
        Dir d = new Dir();
        copy(sub, d, inodes);
        to.entries.put(e.getKey(), d);
      } else {
        Inode i = (Inode) e.getValue();
        to.entries.put(e.getKey(), inodes.computeIfAbsent(i, x -> {
          Inode n = new Inode();
          n.data = Arrays.copyOf(x.data, x.length);
          n.length = x.length;
          n.durable = Arrays.copyOf(x.data, x.length);
          n.modified = x.modified;
          return n;
        }));
      }
    }
    to.durable = new TreeMap<>(to.entries);
  }

  // ---- the durability model ----------------------------------------------------------------

  private void restore(Dir d, Cut how, Set<Inode> seen) {
    TreeMap<String, Object> kept = new TreeMap<>();
    TreeSet<String> names = new TreeSet<>(d.entries.keySet());
    names.addAll(d.durable.keySet());
    for (String name : names) {
      Object now = d.entries.get(name);
      Object durable = d.durable.get(name);
      Object chosen = now == durable || how == Cut.FORGET_UNFORCED ? durable : random.nextInt(3) == 0 ? now : durable;
      if (chosen != null) kept.put(name, chosen);
    }
    d.entries = kept;
    d.durable = new TreeMap<>(kept);
    for (Object node : kept.values()) {
      if (node instanceof Dir sub) restore(sub, how, seen);
      else if (node instanceof Inode f && seen.add(f)) restore(f, how);
    }
  }

  private void restore(Inode f, Cut how) {
    byte[] durable = f.durable;
    if (how == Cut.KEEP_SOME_UNFORCED && random.nextBoolean() && f.length > durable.length
        && Arrays.equals(f.data, 0, durable.length, durable, 0, durable.length)) {
      // appended bytes reached the disk in part, possibly with a page that never made it
      int extra = 1 + random.nextInt(f.length - durable.length);
      byte[] kept = Arrays.copyOf(f.data, durable.length + extra);
      if (random.nextInt(3) == 0) {
        int from = durable.length + random.nextInt(extra);
        Arrays.fill(kept, from, Math.min(kept.length, from + 1 + random.nextInt(4096)), (byte) 0);
      }
      durable = kept;
    }
    f.data = durable.clone();
    f.length = durable.length;
    f.durable = durable;
  }

  // ---- the namespace -------------------------------------------------------------------------

  static final class Dir {
    TreeMap<String, Object> entries = new TreeMap<>();
    TreeMap<String, Object> durable = new TreeMap<>();
  }

  static final class Inode {
    byte[] data = new byte[0];
    int length;
    byte[] durable = new byte[0];
    long modified;
  }

  /** The parent directory of {@code p}; null when a component is missing or not a directory. */
  Dir parent(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Dir d = root;
    for (int i = 0; i < abs.getNameCount() - 1; i++) {
      Object next = d.entries.get(abs.getName(i).toString());
      if (!(next instanceof Dir sub)) return null;
      d = sub;
    }
    return d;
  }

  Object node(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    if (abs.getNameCount() == 0) return root;
    Dir d = parent(abs);
    return d == null ? null : d.entries.get(abs.getFileName().toString());
  }

  static String name(Path p) {
    return p.toAbsolutePath().normalize().getFileName().toString();
  }
}
