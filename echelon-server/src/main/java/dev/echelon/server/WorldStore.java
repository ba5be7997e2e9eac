package dev.echelon.server;

import dev.echelon.core.BoundedCache;
import dev.echelon.core.Gzip;
import dev.echelon.core.RawJson;
import dev.echelon.core.World;
import dev.echelon.core.WorldHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Worlds by hash: an LRU of recently used worlds in memory over {@code RUNS_DIR/worlds/<hash>.json.gz}
 * on disk. Files are written to a temporary name and renamed, so a crash never leaves a half world
 * under a real hash; a world evicted from memory or stored before a restart is read back on demand.
 */
final class WorldStore {
  private final Path dir;
  private final BoundedCache<String, StoredWorld> cache;

  WorldStore(Path runsDir, int cacheMax) {
    this.dir = runsDir.resolve("worlds");
    this.cache = BoundedCache.create(cacheMax);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + "; check ECHELON_RUNS_DIR", e);
    }
  }

  /** Validates, hashes and stores a world; 400 when its hash is not {@code expectedHash}. */
  StoredWorld put(String expectedHash, byte[] body) {
    World world = World.parse(body);
    if (!world.hash().equals(expectedHash)) {
      throw ApiException.badRequest("world hash mismatch: the body hashes to " + world.hash()
          + " but the URL says " + expectedHash + " (hash = sha256 of json.dumps(world, sort_keys=True, "
          + "separators=(',', ':')), first 16 hex digits)");
    }
    StoredWorld stored = new StoredWorld(world.hash(), RawJson.compact(body, 0, body.length).toByteArray());
    Path file = file(stored.hash());
    if (!Files.exists(file)) write(file, stored.json());
    cache.put(stored.hash(), stored);
    return stored;
  }

  boolean contains(String hash) {
    return WorldHash.isValid(hash) && (cache.getIfPresent(hash) != null || Files.exists(file(hash)));
  }

  /** The world, loading it from disk when it is not in memory. */
  Optional<StoredWorld> find(String hash) {
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

  BoundedCache.Stats stats() {
    return cache.stats();
  }

  private StoredWorld load(String hash) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file(hash)))) {
      return new StoredWorld(hash, in.readAllBytes());
    } catch (NoSuchFileException e) {
      throw ApiException.notFound("world " + hash + " is not stored");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read world " + hash + " from " + file(hash), e);
    }
  }

  private Path file(String hash) {
    return dir.resolve(hash + ".json.gz");
  }

  /** Writes {@code bytes} gzip-compressed, atomically. */
  static void write(Path file, byte[] bytes) {
    try {
      AtomicFiles.write(file, Gzip.compress(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage() + "; check free disk space", e);
    }
  }
}
