package dev.echelon.server.log;

import dev.echelon.server.base.BoundedCache;
import dev.echelon.core.Gzip;
import dev.echelon.core.WorldHash;
import dev.echelon.server.base.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Worlds under {@code RUNS_DIR/worlds/<hash>.json.gz} with recently used ones in memory. Files are
 * written durably under a temporary name and renamed, so a crash never leaves half a world under
 * a real hash.
 */
public final class FileWorldStore implements WorldStore {
  private static final Logger LOG = System.getLogger(FileWorldStore.class.getName());

  private final Storage storage;
  private final java.time.InstantSource clock;
  private final Path dir;
  private final boolean fsync;
  private final BoundedCache<String, StoredWorld> cache;
  private final java.util.concurrent.locks.ReentrantLock writes = new java.util.concurrent.locks.ReentrantLock();

  public FileWorldStore(Path runsDir, int cacheMax, long cacheBytes, boolean fsync) {
    this(Storage.disk(), java.time.InstantSource.system(), runsDir, cacheMax, cacheBytes, fsync);
  }

  FileWorldStore(Storage storage, java.time.InstantSource clock, Path runsDir, int cacheMax, long cacheBytes,
      boolean fsync) {
    this.storage = storage;
    this.clock = clock;
    this.dir = runsDir.resolve("worlds");
    this.fsync = fsync;
    this.cache = BoundedCache.weighed(cacheMax, cacheBytes, StoredWorld::weight);
    try {
      storage.createDirectories(dir, fsync);
      for (Path f : storage.list(dir)) {
        // a world write a crash interrupted; the world itself is either stored whole or not at all
        if (f.getFileName().toString().endsWith(".json.gz.tmp")) storage.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the worlds folder in ECHELON_RUNS_DIR: " + e.getMessage(), e);
    }
  }

  @Override public StoredWorld put(String expectedHash, byte[] body) {
    StoredWorld stored = StoredWorld.validate(expectedHash, body);
    String hash = stored.hash();
    writes.lock(); // only world writes wait here, never a push or a viewer
    try {
      Optional<StoredWorld> existing = find(hash);
      if (existing.isPresent()) {
        touch(hash);
        return existing.get(); // the first document stored under a hash wins
      }
      write(stored);
    } finally {
      writes.unlock();
    }
    return stored;
  }

  private void write(StoredWorld stored) {
    Path file = file(stored.hash());
    try {
      storage.replace(file, Gzip.compress(stored.json()), fsync);
    } catch (IOException e) {
      if (Storage.isFull(e)) {
        throw ApiException.storageFull("ECHELON_RUNS_DIR is full: cannot store world " + stored.hash()
            + "; free space on its disk, then retry");
      }
      LOG.log(Level.ERROR, "cannot write world " + stored.hash() + " to " + file, e);
      throw new UncheckedIOException("cannot store world " + stored.hash() + " in ECHELON_RUNS_DIR", e);
    }
    cache.put(stored.hash(), stored);
  }

  /** True when the world is stored and readable: a damaged one is not, so a trainer uploads it again. */
  @Override public boolean contains(String hash) {
    return find(hash).isPresent();
  }

  /**
   * The world; empty when it is not stored or its file is damaged (then moved aside, so the next
   * upload stores it again). A failure to read that says nothing about the file is thrown.
   */
  @Override public Optional<StoredWorld> find(String hash) {
    if (!WorldHash.isValid(hash)) return Optional.empty();
    StoredWorld w = cache.getIfPresent(hash);
    if (w != null) return Optional.of(w);
    if (!storage.exists(file(hash))) return Optional.empty();
    try {
      return Optional.of(cache.get(hash, this::load));
    } catch (ApiException e) {
      if (e.status() == 404) return Optional.empty();
      throw e;
    }
  }

  @Override public BoundedCache.Stats stats() {
    return cache.stats();
  }

  private StoredWorld load(String hash) {
    try (InputStream in = new GZIPInputStream(storage.newInputStream(file(hash)))) {
      return new StoredWorld(hash, in.readAllBytes());
    } catch (NoSuchFileException e) {
      throw ApiException.notFound("world " + hash + " is not stored");
    } catch (java.util.zip.ZipException | java.io.EOFException damaged) {
      setAside(hash, damaged);
      throw ApiException.notFound("world " + hash + " was damaged on disk; upload it again");
    } catch (IOException e) {
      LOG.log(Level.ERROR, "cannot read world " + hash + " from " + file(hash), e);
      throw new UncheckedIOException("world " + hash + " cannot be read now (" + e.getMessage() + ")", e);
    }
  }

  /** Moves a damaged world file aside (kept for inspection), so that the hash counts as not stored. */
  private void setAside(String hash, IOException why) {
    Path damaged = dir.resolve(hash + ".json.gz.damaged");
    writes.lock();
    try {
      storage.move(file(hash), damaged);
      if (fsync) storage.forceDirectory(dir);
      LOG.log(Level.WARNING, "world " + hash + " is damaged on disk (" + why.getMessage() + "); kept aside as "
          + damaged.getFileName() + ", and stored again at its next upload");
    } catch (IOException e) {
      LOG.log(Level.WARNING, "world " + hash + " is damaged on disk (" + why.getMessage() + ") and cannot be moved"
          + " aside (" + e.getMessage() + "); its next upload replaces it");
    } finally {
      writes.unlock();
    }
  }

  /** Marks a world as used now (a replay on it started), for world retention. */
  void touch(String hash) {
    try {
      storage.setLastModifiedMillis(file(hash), clock.millis());
    } catch (IOException e) {
      // retention may then see it as older than it is; the next replay on it touches it again
    }
  }

  /**
   * Deletes worlds that no retained replay uses and that nothing used for {@code unused}; returns
   * how many went. Only {@code <hash>.json.gz} files of this folder are ever deleted.
   */
  int retain(java.util.Set<String> inUse, java.time.Duration unused) {
    long cutoff = clock.millis() - unused.toMillis();
    int removed = 0;
    try {
      for (Path f : storage.list(dir)) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".json.gz")) continue;
        String hash = name.substring(0, name.length() - ".json.gz".length());
        if (!WorldHash.isValid(hash) || inUse.contains(hash) || storage.kind(f) != Storage.Kind.FILE) continue;
        writes.lock();
        try {
          if (storage.lastModifiedMillis(f) < cutoff) {
            storage.deleteIfExists(f);
            cache.invalidate(hash);
            removed++;
            LOG.log(Level.INFO, "world " + hash + " removed: no retained replay uses it and it was unused for "
                + unused.toDays() + " days (ECHELON_WORLD_RETAIN_DAYS)");
          }
        } finally {
          writes.unlock();
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "world retention: cannot list or remove worlds: " + e.getMessage());
    }
    return removed;
  }

  private Path file(String hash) {
    return dir.resolve(hash + ".json.gz");
  }
}
