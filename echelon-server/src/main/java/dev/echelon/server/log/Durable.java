package dev.echelon.server.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes that survive a power cut when {@code fsync} is on: data forced before a rename makes it
 * visible, and the directory forced after, so the new name is on disk too. Readers and crashes
 * see the old content or the new, never half of one.
 */
public final class Durable {
  private Durable() {}

  /** Writes a new file (created or truncated) and forces it. */
  static void write(Path file, ByteBuffer bytes, boolean fsync) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bytes.hasRemaining()) ch.write(bytes);
      if (fsync) ch.force(true);
    }
  }

  /** Replaces {@code file} with {@code bytes} atomically: a temporary sibling, forced, then renamed. */
  public static void replace(Path file, byte[] bytes, boolean fsync) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      write(tmp, ByteBuffer.wrap(bytes), fsync);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      if (fsync) forceDirectory(file.getParent());
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original failure is what matters
      }
      throw e;
    }
  }

  /** Forces a directory's entries (new, renamed and removed names) to disk. */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some platforms cannot open a directory; their rename is as durable as it gets
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) throw e;
    }
  }

  /** True when {@code e} says the file system has no room left (ENOSPC, EDQUOT). */
  public static boolean isFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left") || m.contains("Disk quota exceeded") || m.contains("not enough space"))) {
        return true;
      }
    }
    return false;
  }
}
