package dev.echelon.server.jetstream;

import dev.echelon.server.base.BoundedCache;
import dev.echelon.core.WorldHash;
import dev.echelon.server.base.ApiException;
import dev.echelon.server.log.StoredWorld;
import dev.echelon.server.log.WorldStore;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StorageType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * Worlds in a JetStream Object Store bucket keyed by hash, shared by every server; each server
 * keeps the ones it used in a cache weighed in bytes. The first document stored under a hash wins.
 * The bucket has a byte limit, worlds no retained replay uses go after the world retention time,
 * and a bucket NATS lost is made again at the next upload.
 */
final class ObjectWorldStore implements WorldStore {
  private final io.nats.client.ObjectStoreManagement osm;
  private final io.nats.client.JetStreamManagement jsm;
  private final ObjectStoreConfiguration config;
  private final ObjectStore bucket;
  private final BoundedCache<String, StoredWorld> cache;

  ObjectWorldStore(Connection nc, String name, int replicas, int cacheMax, long cacheBytes, long maxBytes)
      throws IOException, JetStreamApiException {
    this.osm = nc.objectStoreManagement();
    this.jsm = nc.jetStreamManagement();
    this.config = ObjectStoreConfiguration.builder(name).storageType(StorageType.File).replicas(replicas)
        .maxBucketSize(maxBytes).build();
    ensureBucket();
    this.bucket = nc.objectStore(name);
    this.cache = BoundedCache.weighed(cacheMax, cacheBytes, StoredWorld::weight);
  }

  /** Makes the bucket when it is missing (at start-up, or after NATS lost its store). */
  private void ensureBucket() throws IOException, JetStreamApiException {
    if (!osm.getBucketNames().contains(config.getBucketName())) {
      try {
        osm.create(config);
      } catch (JetStreamApiException raced) {
        // another server made it first
      }
    }
    leaderReadsOnly();
  }

  /**
   * Object stores allow direct gets, which any replica may answer, one that just restarted and is
   * behind too: a world it lacks yet would read as missing and skip a replay_start. Worlds are
   * read once per server (then cached), so they are read from the stream's leader instead.
   */
  private void leaderReadsOnly() throws IOException, JetStreamApiException {
    String stream = "OBJ_" + config.getBucketName();
    StreamConfiguration sc = jsm.getStreamInfo(stream).getConfiguration();
    if (sc.getAllowDirect()) jsm.updateStream(StreamConfiguration.builder(sc).allowDirect(false).build());
  }

  /**
   * Deletes worlds that no retained replay uses and that were stored longer ago than
   * {@code unused} (ECHELON_WORLD_RETAIN_DAYS, as in the file log); returns how many went.
   */
  int retain(java.util.Set<String> inUse, java.time.Duration unused) {
    int removed = 0;
    try {
      java.time.ZonedDateTime cutoff = java.time.ZonedDateTime.now().minus(unused);
      for (ObjectInfo o : bucket.getList()) {
        if (o.isDeleted() || inUse.contains(o.getObjectName()) || o.getModified().isAfter(cutoff)) continue;
        bucket.delete(o.getObjectName());
        cache.invalidate(o.getObjectName());
        removed++;
      }
    } catch (IOException | JetStreamApiException e) {
      // NATS is away: the next sweep tries again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return removed;
  }

  @Override public StoredWorld put(String expectedHash, byte[] body) {
    StoredWorld stored = StoredWorld.validate(expectedHash, body);
    // asked of the bucket, not the cache: a world NATS lost must be stored again
    if (info(stored.hash()) != null) return cache.get(stored.hash(), this::load); // the first document stored wins
    try {
      try {
        bucket.put(stored.hash(), stored.json());
      } catch (JetStreamApiException | IOException e) {
        if (!bucketLost()) throw e;
        ensureBucket(); // NATS lost its store: make the bucket again and store the world there
        bucket.put(stored.hash(), stored.json());
      }
    } catch (IOException | JetStreamApiException | java.security.NoSuchAlgorithmException e) {
      throw ApiException.unavailable("the NATS worlds bucket did not store world " + stored.hash() + " ("
          + e.getMessage() + "); retry shortly");
    }
    cache.put(stored.hash(), stored);
    return stored;
  }

  /** Forgets the cached worlds when NATS lost its store, so HEAD tells trainers to upload them again. */
  void forgetCached() {
    cache.invalidateAll();
  }

  @Override public boolean contains(String hash) {
    if (!WorldHash.isValid(hash)) return false;
    if (cache.getIfPresent(hash) != null) return true;
    return info(hash) != null;
  }

  @Override public Optional<StoredWorld> find(String hash) {
    if (!WorldHash.isValid(hash)) return Optional.empty();
    StoredWorld w = cache.getIfPresent(hash);
    if (w != null) return Optional.of(w);
    if (info(hash) == null) return Optional.empty();
    return Optional.of(cache.get(hash, this::load));
  }

  private ObjectInfo info(String hash) {
    try {
      ObjectInfo i = bucket.getInfo(hash);
      return i == null || i.isDeleted() ? null : i;
    } catch (JetStreamApiException | IOException e) {
      // a lost bucket answers a direct get with silence, not "not found": ask JetStream whether it is there
      if (e instanceof JetStreamApiException api && api.getApiErrorCode() == StreamKeeper.STREAM_NOT_FOUND
          || bucketLost()) {
        return null; // NATS lost the bucket: not stored, so trainers upload their worlds again
      }
      throw ApiException.unavailable("the NATS worlds bucket is unreachable (" + e.getMessage() + "); retry shortly");
    }
  }

  private boolean bucketLost() {
    try {
      return !osm.getBucketNames().contains(config.getBucketName());
    } catch (IOException | JetStreamApiException e) {
      return false; // NATS itself is away
    }
  }

  private StoredWorld load(String hash) {
    var out = new ByteArrayOutputStream();
    try {
      bucket.get(hash, out);
    } catch (IOException | JetStreamApiException | java.security.NoSuchAlgorithmException e) {
      throw ApiException.unavailable("the NATS worlds bucket is unreachable (" + e.getMessage() + "); retry shortly");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted while reading world " + hash);
    }
    return new StoredWorld(hash, out.toByteArray());
  }

  @Override public BoundedCache.Stats stats() {
    return cache.stats();
  }
}
