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
 * its result, different keys build in parallel, failures are not cached, and at most
 * {@code maxSize} values are ever held.
 */
public final class BoundedCache<K, V> {
  private final int maxSize;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<K, V> values = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<K, CompletableFuture<V>> inFlight = new HashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  private BoundedCache(int maxSize) {
    this.maxSize = maxSize;
  }

  /** A cache holding at most {@code maxSize} values. */
  public static <K, V> BoundedCache<K, V> create(int maxSize) {
    if (maxSize < 1) throw new IllegalArgumentException("maxSize must be >= 1, got " + maxSize);
    return new BoundedCache<>(maxSize);
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
    values.put(key, value);
    var it = values.entrySet().iterator();
    while (values.size() > maxSize && it.hasNext()) {
      it.next();
      it.remove();
      evictions.increment();
    }
  }

  public void invalidate(K key) {
    lock.lock();
    try {
      values.remove(key);
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
