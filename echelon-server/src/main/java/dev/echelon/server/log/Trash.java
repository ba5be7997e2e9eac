package dev.echelon.server.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Where replay folders go to be deleted: {@code replays/.trash/}. A folder is renamed into it in
 * one atomic step (so a crash never leaves half a replay under its own name), and emptied at
 * leisure; whatever a crash left in it is emptied at the next start. Folders recovery refuses are
 * moved aside to {@code replays/.refused/} instead, kept for whoever wants to look at them.
 */
final class Trash {
  static final String TRASH = ".trash";
  static final String REFUSED = ".refused";

  private final Storage storage;
  private final Path replays;
  private final boolean fsync;
  private final Consumer<String> report;
  private int pending;

  Trash(Storage storage, Path replays, boolean fsync, Consumer<String> report) {
    this.storage = storage;
    this.replays = replays;
    this.fsync = fsync;
    this.report = report;
  }

  /** Moves a replay folder into the trash under {@code name}. */
  synchronized void put(Path folder, String name) throws IOException {
    Path trash = replays.resolve(TRASH);
    if (storage.kind(trash) != Storage.Kind.DIRECTORY) storage.createDirectories(trash, fsync);
    storage.move(folder, trash.resolve(name));
    pending++;
  }

  /** Makes the moves so far durable, then deletes what was moved. */
  synchronized void settle() throws IOException {
    if (pending == 0) return;
    force();
    pending = 0;
    empty();
  }

  /** Makes the moves so far durable: after this, a crash cannot bring those replays back. */
  void force() throws IOException {
    if (fsync) storage.forceDirectory(replays);
  }

  /** Moves a folder recovery refused aside, keeping it; returns where it went. */
  Path refuse(Path folder, long nowMillis) throws IOException {
    Path refused = replays.resolve(REFUSED);
    storage.createDirectories(refused, fsync);
    Path to = refused.resolve(folder.getFileName() + "-" + nowMillis);
    storage.move(folder, to);
    force();
    return to;
  }

  /** Deletes everything in the trash. Links are removed, never followed. */
  synchronized void empty() {
    Path trash = replays.resolve(TRASH);
    if (storage.kind(trash) != Storage.Kind.DIRECTORY) return;
    try {
      for (Path p : storage.list(trash)) delete(p);
    } catch (IOException e) {
      report.accept("cannot empty " + trash + " (" + e.getMessage() + "); tried again at the next start");
    }
  }

  /** A trashed replay folder holds files only: they go without a look at each (a stat apiece adds up). */
  private void delete(Path p) throws IOException {
    try {
      storage.deleteIfExists(p);
    } catch (java.nio.file.DirectoryNotEmptyException full) {
      for (Path child : storage.list(p)) delete(child);
      storage.deleteIfExists(p);
    }
  }
}
