package dev.echelon.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A thread-safe LRU cache with single-flight loading. Parsed worlds and nav graphs are expensive
 * to build and large to hold: concurrent requests for the same missing key run one build and share
 * its result, different keys build in parallel, and failures are not cached. It holds at most
 * {@code maxSize} values, and, when made with a weigher, values weighing at most
 * {@code maxWeight} in all (a value heavier than that on its own is returned but not kept).
 */
public final class BoundedCache<K, V> {
  private final int maxSize;
  private final long maxWeight;
  private final java.util.function.ToLongFunction<? super V> weigher;
  private long weight;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<K, V> values = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<K, Long> weights = new HashMap<>();
  private final Map<K, CompletableFuture<V>> inFlight = new HashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  private BoundedCache(int maxSize, long maxWeight, java.util.function.ToLongFunction<? super V> weigher) {
    this.maxSize = maxSize;
    this.maxWeight = maxWeight;
    this.weigher = weigher;
  }

  /** A cache holding at most {@code maxSize} values. */
  public static <K, V> BoundedCache<K, V> create(int maxSize) {
    if (maxSize < 1) throw new IllegalArgumentException("maxSize must be >= 1, got " + maxSize);
    return new BoundedCache<>(maxSize, Long.MAX_VALUE, v -> 0);
  }

  /**
   * A cache holding at most {@code maxSize} values weighing at most {@code maxWeight} together,
   * each weighed once when it is stored (in bytes, say).
   */
  public static <K, V> BoundedCache<K, V> weighed(int maxSize, long maxWeight,
      java.util.function.ToLongFunction<? super V> weigher) {
    if (maxSize < 1) throw new IllegalArgumentException("maxSize must be >= 1, got " + maxSize);
    if (maxWeight < 1) throw new IllegalArgumentException("maxWeight must be >= 1, got " + maxWeight);
    Objects.requireNonNull(weigher, "weigher");
    return new BoundedCache<>(maxSize, maxWeight, weigher);
  }

  /**
   * The cached value, or the result of {@code loader} run once for all concurrent callers. The
   * loader's exception reaches every waiter and nothing is cached.
   */
  public V get(K key, Function<? super K, ? extends V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    CompletableFuture<V> future;
    boolean owner = false;
    lock.lock();
    try {
      V v = values.get(key);
      if (v != null) {
        hits.increment();
        return v;
      }
      misses.increment();
      future = inFlight.get(key);
      if (future == null) {
        future = new CompletableFuture<>();
        inFlight.put(key, future);
        owner = true;
      }
    } finally {
      lock.unlock();
    }
    return owner ? load(key, loader, future) : await(future);
  }

  private V load(K key, Function<? super K, ? extends V> loader, CompletableFuture<V> future) {
    V v;
    try {
      v = Objects.requireNonNull(loader.apply(key), () -> "loader returned null for key " + key);
    } catch (RuntimeException | Error e) {
      failures.increment();
      lock.lock();
      try {
        inFlight.remove(key);
      } finally {
        lock.unlock();
      }
      future.completeExceptionally(e);
      throw e;
    }
    loads.increment();
    lock.lock();
    try {
      inFlight.remove(key);
      putLocked(key, v);
    } finally {
      lock.unlock();
    }
    future.complete(v);
    return v;
  }

  private static <V> V await(CompletableFuture<V> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException("interrupted while waiting for a load", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error err) throw err;
      throw new CompletionException(cause);
    }
  }

  /** The cached value or null; does not load. */
  public V getIfPresent(K key) {
    lock.lock();
    try {
      V v = values.get(key);
      if (v != null) hits.increment();
      return v;
    } finally {
      lock.unlock();
    }
  }

  /** Stores a value, evicting the least recently used one when full. */
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    lock.lock();
    try {
      putLocked(key, value);
    } finally {
      lock.unlock();
    }
  }

  private void putLocked(K key, V value) {
    long w = weigher.applyAsLong(value);
    removeLocked(key);
    if (w > maxWeight) {
      evictions.increment(); // too heavy to keep at all
      return;
    }
    values.put(key, value);
    weights.put(key, w);
    weight += w;
    var it = values.entrySet().iterator();
    while ((values.size() > maxSize || weight > maxWeight) && it.hasNext()) {
      K k = it.next().getKey();
      it.remove();
      weight -= weights.remove(k);
      evictions.increment();
    }
  }

  private void removeLocked(K key) {
    if (values.remove(key) != null) weight -= weights.remove(key);
  }

  public void invalidate(K key) {
    lock.lock();
    try {
      removeLocked(key);
    } finally {
      lock.unlock();
    }
  }

  /** Drops every value held (loads in flight finish and are kept). */
  public void invalidateAll() {
    lock.lock();
    try {
      values.clear();
      weights.clear();
      weight = 0;
    } finally {
      lock.unlock();
    }
  }

  /** The weight of what is held now (0 for a cache without a weigher). */
  public long weight() {
    lock.lock();
    try {
      return weight;
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return values.size();
    } finally {
      lock.unlock();
    }
  }

  public int maxSize() {
    return maxSize;
  }

  /** Counters since creation, for metrics. */
  public Stats stats() {
    return new Stats(hits.sum(), misses.sum(), loads.sum(), failures.sum(), evictions.sum());
  }

  /**
   * Cache counters.
   *
   * @param hits lookups answered from the cache
   * @param misses lookups that had to load or wait for a load
   * @param loads loads that succeeded
   * @param loadFailures loads that threw
   * @param evictions values dropped to stay within the bound
   */
  public record Stats(long hits, long misses, long loads, long loadFailures, long evictions) {}
}
