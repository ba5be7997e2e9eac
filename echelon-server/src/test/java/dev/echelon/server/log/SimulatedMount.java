package dev.echelon.server.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import dev.echelon.server.log.SimulatedDisk.Dir;
import dev.echelon.server.log.SimulatedDisk.Inode;
import dev.echelon.server.log.SimulatedDisk.Op;

/**
 * One server incarnation's view of a {@link SimulatedDisk}: the {@link Storage} it opens its files
 * through. Every operation counts towards an armed power cut, may fail with injected EIO, and
 * fails for good once the incarnation is gone (a cut or a kill moved the disk on).
 */
final class SimulatedMount implements Storage {

  final SimulatedDisk disk;
  final long epoch;

  SimulatedMount(SimulatedDisk disk, long epoch) {
    this.disk = disk;
    this.epoch = epoch;
  }

  void enter(Op op, Path path) throws IOException {
    disk.tick(this);
    if (disk.faults.eio(op, path)) throw new IOException("Input/output error: " + path);
  }

  @Override public FileChannel open(Path file, OpenOption... options) throws IOException {
    enter(Op.OPEN, file);
    Set<OpenOption> o = Set.of(options);
    synchronized (disk.lock) {
      Dir d = disk.parent(file);
      if (d == null) throw new NoSuchFileException(file.toString());
      Object node = d.entries.get(SimulatedDisk.name(file));
      if (node instanceof Dir) throw new IOException(file + ": Is a directory");
      Inode inode = (Inode) node;
      if (inode == null) {
        if (!o.contains(StandardOpenOption.CREATE) && !o.contains(StandardOpenOption.CREATE_NEW)) {
          throw new NoSuchFileException(file.toString());
        }
        inode = new Inode();
        inode.modified = disk.now();
        d.entries.put(SimulatedDisk.name(file), inode);
      } else if (o.contains(StandardOpenOption.CREATE_NEW)) {
        throw new FileAlreadyExistsException(file.toString());
      }
      boolean write = o.contains(StandardOpenOption.WRITE) || o.contains(StandardOpenOption.APPEND);
      if (write && o.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
        disk.used -= inode.length;
        inode.length = 0;
      }
      return new SimulatedChannel(this, file, inode, !write || o.contains(StandardOpenOption.READ), write,
          o.contains(StandardOpenOption.APPEND));
    }
  }

  @Override public Kind kind(Path path) {
    try {
      enter(Op.STAT, path);
    } catch (IOException e) {
      return Kind.NONE;
    }
    synchronized (disk.lock) {
      Object n = disk.node(path);
      return n == null ? Kind.NONE : n instanceof Dir ? Kind.DIRECTORY : Kind.FILE;
    }
  }

  @Override public void createDirectories(Path dir) throws IOException {
    enter(Op.MKDIR, dir);
    synchronized (disk.lock) {
      Path abs = dir.toAbsolutePath().normalize();
      Dir d = disk.root;
      for (int i = 0; i < abs.getNameCount(); i++) {
        Object next = d.entries.get(abs.getName(i).toString());
        if (next == null) {
          next = new Dir();
          d.entries.put(abs.getName(i).toString(), next);
        } else if (!(next instanceof Dir)) {
          throw new FileAlreadyExistsException(abs.toString());
        }
        d = (Dir) next;
      }
    }
  }

  @Override public List<Path> list(Path dir) throws IOException {
    enter(Op.LIST, dir);
    synchronized (disk.lock) {
      Object n = disk.node(dir);
      if (n == null) throw new NoSuchFileException(dir.toString());
      if (!(n instanceof Dir d)) throw new NotDirectoryException(dir.toString());
      List<Path> out = new ArrayList<>();
      for (String name : d.entries.keySet()) out.add(dir.resolve(name));
      return out;
    }
  }

  @Override public long size(Path file) throws IOException {
    enter(Op.STAT, file);
    synchronized (disk.lock) {
      if (!(disk.node(file) instanceof Inode i)) throw new NoSuchFileException(file.toString());
      return i.length;
    }
  }

  @Override public boolean deleteIfExists(Path path) throws IOException {
    enter(Op.DELETE, path);
    synchronized (disk.lock) {
      Dir d = disk.parent(path);
      Object n = d == null ? null : d.entries.get(SimulatedDisk.name(path));
      if (n == null) return false;
      if (n instanceof Dir sub && !sub.entries.isEmpty()) throw new DirectoryNotEmptyException(path.toString());
      d.entries.remove(SimulatedDisk.name(path));
      return true;
    }
  }

  @Override public void move(Path from, Path to) throws IOException {
    enter(Op.MOVE, from);
    synchronized (disk.lock) {
      Dir src = disk.parent(from);
      Dir dst = disk.parent(to);
      Object n = src == null ? null : src.entries.get(SimulatedDisk.name(from));
      if (n == null) throw new NoSuchFileException(from.toString());
      if (dst == null) throw new NoSuchFileException(to.toString());
      Object there = dst.entries.get(SimulatedDisk.name(to));
      if (there instanceof Dir d && !d.entries.isEmpty()) throw new DirectoryNotEmptyException(to.toString());
      src.entries.remove(SimulatedDisk.name(from));
      dst.entries.put(SimulatedDisk.name(to), n);
    }
  }

  @Override public void forceDirectory(Path dir) throws IOException {
    enter(Op.FORCE_DIR, dir);
    synchronized (disk.lock) {
      if (!(disk.node(dir) instanceof Dir d)) throw new NoSuchFileException(dir.toString());
      d.durable = new TreeMap<>(d.entries);
    }
  }

  @Override public long lastModifiedMillis(Path file) throws IOException {
    enter(Op.STAT, file);
    synchronized (disk.lock) {
      if (!(disk.node(file) instanceof Inode i)) throw new NoSuchFileException(file.toString());
      return i.modified;
    }
  }

  @Override public void setLastModifiedMillis(Path file, long millis) throws IOException {
    enter(Op.WRITE, file);
    synchronized (disk.lock) {
      if (!(disk.node(file) instanceof Inode i)) throw new NoSuchFileException(file.toString());
      i.modified = millis;
    }
  }

  @Override public Closeable lock(Path file, String owner) throws IOException {
    try (FileChannel ch = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      Path key = file.toAbsolutePath().normalize();
      synchronized (disk.lock) {
        SimulatedMount holder = disk.locks.get(key);
        if (holder != null) throw new HeldLockException(file, holder.owner(key));
        disk.locks.put(key, this);
        owners.put(key, owner);
      }
      try {
        ch.truncate(0).write(java.nio.ByteBuffer.wrap((owner + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      } catch (IOException e) {
        // the lock is held; the name is a courtesy (as on a real disk that is full)
      }
    }
    return () -> {
      synchronized (disk.lock) {
        disk.locks.remove(file.toAbsolutePath().normalize(), this);
      }
    };
  }

  private final Map<Path, String> owners = new TreeMap<>();

  String owner(Path key) {
    return owners.getOrDefault(key, "another process");
  }
}
