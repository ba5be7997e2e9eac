package dev.echelon.server.log;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Every file operation of the file log and the world store, and nothing else: the seam through
 * which a test disk loses unforced bytes in a power cut, fills up, or fails with EIO. Durability
 * is explicit: a file's bytes survive a power cut once {@link FileChannel#force} returned, and a
 * name (created, renamed or removed) once its directory was {@link #forceDirectory forced}.
 * Symbolic links are never followed by the inspection methods.
 */
public interface Storage {
  /** The real file system. */
  static Storage disk() {
    return DiskStorage.INSTANCE;
  }

  /** What a path names, without following links. */
  enum Kind { NONE, FILE, DIRECTORY, LINK, OTHER }

  FileChannel open(Path file, OpenOption... options) throws IOException;

  Kind kind(Path path);

  void createDirectories(Path dir) throws IOException;

  /** The entries of a directory, sorted by name. */
  List<Path> list(Path dir) throws IOException;

  long size(Path file) throws IOException;

  boolean deleteIfExists(Path path) throws IOException;

  /** Renames atomically, replacing {@code to}. */
  void move(Path from, Path to) throws IOException;

  /** Forces a directory's entries (new, renamed and removed names) to disk. */
  void forceDirectory(Path dir) throws IOException;

  long lastModifiedMillis(Path file) throws IOException;

  void setLastModifiedMillis(Path file, long millis) throws IOException;

  /**
   * Takes an exclusive lock on {@code file} (created if needed) for as long as this process lives
   * or until closed, writing {@code owner} into it.
   *
   * @throws HeldLockException when another process (or another log in this one) holds it
   */
  Closeable lock(Path file, String owner) throws IOException;

  /** A lock someone else holds; the message names them as they wrote themselves into the file. */
  final class HeldLockException extends IOException {
    private final String holder;

    public HeldLockException(Path file, String holder) {
      super(file + " is locked by " + holder);
      this.holder = holder;
    }

    public String holder() {
      return holder;
    }
  }

  /** True when {@code e} says the file system has no room left (ENOSPC, EDQUOT). */
  static boolean isFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left") || m.contains("Disk quota exceeded") || m.contains("not enough space"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Creates {@code dir} and its missing parents; with {@code fsync}, forces the folder that holds
   * each one (and {@code dir}'s own parent in any case), so the folders themselves survive a power
   * cut and not only the files later forced inside them.
   */
  default void createDirectories(Path dir, boolean fsync) throws IOException {
    java.util.List<Path> missing = new java.util.ArrayList<>();
    for (Path p = dir.toAbsolutePath().normalize(); p != null && kind(p) == Kind.NONE; p = p.getParent()) missing.add(p);
    createDirectories(dir);
    if (!fsync) return;
    java.util.Set<Path> parents = new java.util.LinkedHashSet<>();
    Path own = dir.toAbsolutePath().normalize().getParent();
    if (own != null) parents.add(own);
    for (Path p : missing) if (p.getParent() != null) parents.add(p.getParent());
    for (Path p : parents) forceDirectory(p);
  }

  default boolean exists(Path path) {
    return kind(path) != Kind.NONE;
  }

  /** The whole file, read into one array of its size (no intermediate buffers: recovery reads thousands). */
  default byte[] readAllBytes(Path file) throws IOException {
    try (FileChannel ch = open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 64) throw new IOException(file + " is too large to read at once: " + size + " bytes");
      ByteBuffer b = ByteBuffer.allocate((int) size);
      while (b.hasRemaining() && ch.read(b) > 0) {
        // reads until the end of what the size said
      }
      if (!b.hasRemaining() && ch.read(ByteBuffer.allocate(1)) <= 0) return b.array();
      // the file grew or shrank meanwhile: fall back to reading whatever is there now
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
      out.write(b.array(), 0, b.position());
      ByteBuffer buf = ByteBuffer.allocate(8192);
      ch.position(b.position());
      while (ch.read(buf.clear()) > 0) out.write(buf.array(), 0, buf.position());
      return out.toByteArray();
    }
  }

  default InputStream newInputStream(Path file) throws IOException {
    return java.nio.channels.Channels.newInputStream(open(file, StandardOpenOption.READ));
  }

  /** Writes a new file (created or truncated) and, with {@code fsync}, forces it. */
  default void write(Path file, ByteBuffer bytes, boolean fsync) throws IOException {
    try (FileChannel ch = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bytes.hasRemaining()) ch.write(bytes);
      if (fsync) ch.force(true);
    }
  }

  /**
   * Replaces {@code file} with {@code bytes} atomically: a temporary sibling, forced, renamed, and
   * the directory forced, so a crash leaves the old content or the new, never half of one.
   */
  default void replace(Path file, byte[] bytes, boolean fsync) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      write(tmp, ByteBuffer.wrap(bytes), fsync);
      move(tmp, file);
      if (fsync) forceDirectory(file.getParent());
    } catch (IOException e) {
      try {
        deleteIfExists(tmp);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }
}
