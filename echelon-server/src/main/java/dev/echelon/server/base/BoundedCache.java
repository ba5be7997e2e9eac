package dev.echelon.server.base;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A bounded cache (Caffeine: size- or weight-bounded, frequency-aware eviction, upkeep on the
 * calling thread: these caches hold tens of values) whose loads run once per key on the caller's
 * thread. Parsed worlds and nav graphs take seconds to build and are
 * large to hold: concurrent requests for one missing key share one build, different keys build in
 * parallel (never inside the map's locks), and a failure reaches every waiter and is not kept.
 */
public final class BoundedCache<K, V> {
  private final AsyncCache<K, V> cache;
  private final ToLongFunction<? super V> weigher;
  /** Lookups answered at once, and those that loaded or waited for a load (Caffeine counts a wait as a hit). */
  private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();

  private BoundedCache(AsyncCache<K, V> cache, ToLongFunction<? super V> weigher) {
    this.cache = cache;
    this.weigher = weigher;
  }

  /** At most {@code maxSize} values. */
  public static <K, V> BoundedCache<K, V> create(int maxSize) {
    if (maxSize < 1) throw new IllegalArgumentException("maxSize is " + maxSize + "; it must be >= 1");
    return new BoundedCache<>(Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxSize).recordStats().buildAsync(), v -> 0);
  }

  /**
   * At most {@code maxSize} values weighing at most {@code maxWeight} together (bytes, say), each
   * weighed once when it is stored. Each value counts at least {@code maxWeight / maxSize}, which
   * is how both bounds hold at once; a value heavier than {@code maxWeight} is returned, not kept.
   */
  public static <K, V> BoundedCache<K, V> weighed(int maxSize, long maxWeight, ToLongFunction<? super V> weigher) {
    if (maxSize < 1) throw new IllegalArgumentException("maxSize is " + maxSize + "; it must be >= 1");
    if (maxWeight < 1) throw new IllegalArgumentException("maxWeight is " + maxWeight + "; it must be >= 1");
    Objects.requireNonNull(weigher, "weigher");
    long share = Math.max(1, maxWeight / maxSize);
    return new BoundedCache<>(Caffeine.newBuilder().executor(Runnable::run).maximumWeight(maxWeight)
        .<K, V>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, Math.max(share, weigher.applyAsLong(v))))
        .recordStats().buildAsync(), weigher);
  }

  /**
   * The cached value, or the result of {@code loader} run once, on this thread, for all concurrent
   * callers. The loader's exception reaches every waiter and nothing is kept.
   */
  public V get(K key, Function<? super K, ? extends V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> shared = cache.get(key, (k, executor) -> mine);
    (shared != mine && shared.isDone() ? hits : misses).increment();
    if (shared == mine) {
      try {
        V v = loader.apply(key);
        if (v == null) throw new NullPointerException("the loader returned null for key " + key);
        mine.complete(v);
      } catch (RuntimeException | Error e) {
        mine.completeExceptionally(e); // the cache drops a failed load
      }
    }
    try {
      return shared.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw e;
    }
  }

  /** The value if it is loaded; never loads nor waits for a load. */
  public V getIfPresent(K key) {
    CompletableFuture<V> f = cache.getIfPresent(key);
    V v = f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    if (v != null) hits.increment();
    return v;
  }

  public void put(K key, V value) {
    cache.put(Objects.requireNonNull(key, "key"), CompletableFuture.completedFuture(Objects.requireNonNull(value, "value")));
  }

  public void invalidate(K key) {
    cache.synchronous().invalidate(key);
  }

  /** Drops every value held. */
  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  /** What the values held now weigh (0 for a cache bounded by size); these caches hold tens of values. */
  public long weight() {
    long w = 0;
    for (V v : cache.synchronous().asMap().values()) w += weigher.applyAsLong(v);
    return w;
  }

  /** Values held now. */
  public long size() {
    cache.synchronous().cleanUp();
    return cache.synchronous().estimatedSize();
  }

  /** Counters since creation, for metrics. */
  public Stats stats() {
    var s = cache.synchronous().stats();
    return new Stats(hits.sum(), misses.sum(), s.loadSuccessCount(), s.loadFailureCount(), s.evictionCount());
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
