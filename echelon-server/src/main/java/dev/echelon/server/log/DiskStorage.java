package dev.echelon.server.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@link Storage} on the real file system. */
final class DiskStorage implements Storage {
  static final DiskStorage INSTANCE = new DiskStorage();

  private DiskStorage() {}

  @Override public FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, options);
  }

  @Override public Kind kind(Path path) {
    try { // no exception for a missing path: start-up asks this of 20,000 folders that mostly hold no such file
      BasicFileAttributes a = path.getFileSystem().provider()
          .readAttributesIfExists(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a == null) return Kind.NONE;
      if (a.isSymbolicLink()) return Kind.LINK;
      if (a.isDirectory()) return Kind.DIRECTORY;
      return a.isRegularFile() ? Kind.FILE : Kind.OTHER;
    } catch (IOException e) {
      return Kind.NONE;
    }
  }

  @Override public void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override public List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (var ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) out.add(p);
    }
    out.sort(null);
    return out;
  }

  @Override public long size(Path file) throws IOException {
    return Files.size(file);
  }

  @Override public boolean deleteIfExists(Path path) throws IOException {
    return Files.deleteIfExists(path);
  }

  @Override public void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override public void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some platforms cannot open a directory; their rename is as durable as it gets
      if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) throw e;
    }
  }

  @Override public long lastModifiedMillis(Path file) throws IOException {
    return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis();
  }

  @Override public void setLastModifiedMillis(Path file, long millis) throws IOException {
    Files.setLastModifiedTime(file, FileTime.fromMillis(millis));
  }

  @Override public Closeable lock(Path file, String owner) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(ch);
      ch.close();
      throw new HeldLockException(file, holder);
    }
    try {
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((owner + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    } catch (IOException e) {
      // the lock is held; naming the holder is a courtesy a full disk may not allow
    }
    FileLock held = lock;
    return () -> {
      try {
        held.release();
      } finally {
        ch.close();
      }
    };
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(256);
      ch.read(b, 0);
      String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? "another process" : s;
    } catch (IOException e) {
      return "another process";
    }
  }
}
