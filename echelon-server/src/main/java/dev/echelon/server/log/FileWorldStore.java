package dev.echelon.server.log;

import dev.echelon.core.BoundedCache;
import dev.echelon.core.Gzip;
import dev.echelon.core.RawJson;
import dev.echelon.core.World;
import dev.echelon.core.WorldHash;
import dev.echelon.server.base.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
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

  private final Path dir;
  private final boolean fsync;
  private final BoundedCache<String, StoredWorld> cache;

  public FileWorldStore(Path runsDir, int cacheMax, boolean fsync) {
    this.dir = runsDir.resolve("worlds");
    this.fsync = fsync;
    this.cache = BoundedCache.create(cacheMax);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the worlds folder in ECHELON_RUNS_DIR: " + e.getMessage(), e);
    }
  }

  @Override public StoredWorld put(String expectedHash, byte[] body) {
    World world = World.parse(body);
    if (!world.hash().equals(expectedHash)) {
      throw ApiException.badRequest("world hash mismatch: the body hashes to " + world.hash()
          + " but the URL says " + expectedHash + " (hash = sha256 of json.dumps(world, sort_keys=True, "
          + "separators=(',', ':')), first 16 hex digits)");
    }
    Optional<StoredWorld> existing = find(world.hash());
    if (existing.isPresent()) return existing.get(); // the first document stored under a hash wins
    StoredWorld stored = new StoredWorld(world.hash(), RawJson.compact(body, 0, body.length).toByteArray());
    Path file = file(stored.hash());
    try {
      Durable.replace(file, Gzip.compress(stored.json()), fsync);
    } catch (IOException e) {
      if (Durable.isFull(e)) {
        throw ApiException.storageFull("ECHELON_RUNS_DIR is full: cannot store world " + stored.hash()
            + "; free space on its disk, then retry");
      }
      LOG.log(Level.ERROR, "cannot write world " + stored.hash() + " to " + file, e);
      throw new UncheckedIOException("cannot store world " + stored.hash() + " in ECHELON_RUNS_DIR", e);
    }
    cache.put(stored.hash(), stored);
    return stored;
  }

  @Override public boolean contains(String hash) {
    return WorldHash.isValid(hash) && (cache.getIfPresent(hash) != null || Files.exists(file(hash)));
  }

  @Override public Optional<StoredWorld> find(String hash) {
    if (!WorldHash.isValid(hash)) return Optional.empty();
    StoredWorld w = cache.getIfPresent(hash);
    if (w != null) return Optional.of(w);
    if (!Files.exists(file(hash))) return Optional.empty();
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
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file(hash)))) {
      return new StoredWorld(hash, in.readAllBytes());
    } catch (NoSuchFileException e) {
      throw ApiException.notFound("world " + hash + " is not stored");
    } catch (IOException e) {
      LOG.log(Level.ERROR, "cannot read world " + hash + " from " + file(hash), e);
      throw new UncheckedIOException("world " + hash + " is unreadable on disk", e);
    }
  }

  private Path file(String hash) {
    return dir.resolve(hash + ".json.gz");
  }
}
