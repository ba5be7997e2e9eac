package dev.echelon.server.log;

import dev.echelon.server.base.BoundedCache;
import java.util.Optional;

/**
 * Worlds by hash, stored once and referred to by every replay on them. The first document stored
 * under a hash is the one served from then on.
 */
public interface WorldStore {
  /**
   * Validates and stores a world; 400 when its hash is not {@code expectedHash}. When the hash is
   * already stored, the stored world is kept and returned.
   */
  StoredWorld put(String expectedHash, byte[] body);

  /** True when the world is stored. */
  boolean contains(String hash);

  /** The world, loaded into memory when it is not there. */
  Optional<StoredWorld> find(String hash);

  /** Cache counters for metrics. */
  BoundedCache.Stats stats();
}
