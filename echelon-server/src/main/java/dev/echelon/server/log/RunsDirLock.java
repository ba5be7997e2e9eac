package dev.echelon.server.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * One server per runs directory: two would cut each other's records and hand out the same event
 * ids. The lock is the operating system's ({@code RUNS_DIR/echelon.lock}, the holder's pid
 * written in it), so it goes with the process however that ends.
 */
final class RunsDirLock {
  static final String FILE = "echelon.lock";

  private RunsDirLock() {}

  /**
   * Takes the lock, creating the runs directory first.
   *
   * @throws IllegalStateException naming the directory and the holder when another server has it
   */
  static Closeable take(Path runsDir, boolean fsync, Storage storage) {
    Path file = runsDir.resolve(FILE);
    try {
      storage.createDirectories(runsDir, fsync);
      return storage.lock(file, "pid " + ProcessHandle.current().pid());
    } catch (Storage.HeldLockException e) {
      throw new IllegalStateException("ECHELON_RUNS_DIR " + runsDir.toAbsolutePath() + " is in use by another"
          + " Echelon server (" + e.holder() + "); stop that one, or give this one its own ECHELON_RUNS_DIR", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock ECHELON_RUNS_DIR " + runsDir.toAbsolutePath() + " ("
          + file.getFileName() + ": " + e.getMessage() + "); is it writable?", e);
    }
  }

  static void release(Closeable lock) {
    try {
      lock.close();
    } catch (IOException e) {
      FileReplayLog.report("cannot release the lock on ECHELON_RUNS_DIR: " + e.getMessage());
    }
  }
}
