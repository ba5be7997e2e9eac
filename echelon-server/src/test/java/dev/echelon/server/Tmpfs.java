package dev.echelon.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A small tmpfs mounted for a test, to fill a disk for real. Needs root; tests skip without it. */
public final class Tmpfs implements AutoCloseable {
  public final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code size} (e.g. "4m") at a new folder under {@code parent}, or returns null. */
  public static Tmpfs mount(Path parent, String size) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(parent.resolve("tmpfs"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? new Tmpfs(dir) : null;
  }

  /** Writes a file until the disk refuses more; returns it. */
  public Path fill() throws IOException {
    Path filler = dir.resolve("filler");
    byte[] block = new byte[16 * 1024];
    try (var out = Files.newOutputStream(filler)) {
      while (true) out.write(block);
    } catch (IOException full) {
      return filler;
    }
  }

  @Override public void close() throws IOException {
    try {
      new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
