package dev.echelon.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {
  final ExecutorService pool = Executors.newFixedThreadPool(32);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void holdsAtMostItsSizeAndCountsWhatItDrops() {
    BoundedCache<String, Integer> cache = BoundedCache.create(2);
    cache.put("a", 1);
    cache.put("b", 2);
    assertThat(cache.getIfPresent("a")).isEqualTo(1);
    cache.put("c", 3);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.stats().evictions()).isEqualTo(1);
    assertThat(java.util.stream.Stream.of("a", "b", "c").filter(k -> cache.getIfPresent(k) != null)).hasSize(2);
  }

  @Test
  void concurrentRequestsForOneKeyBuildOnceAndShareTheResult() throws Exception {
    BoundedCache<String, Object> cache = BoundedCache.create(4);
    AtomicInteger builds = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    List<Future<Object>> results = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      results.add(pool.submit(() -> cache.get("w", k -> {
        builds.incrementAndGet();
        started.countDown();
        await(release);
        return new Object();
      })));
    }
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    // every caller is now either building or waiting on the single build
    awaitMisses(cache, 32);
    release.countDown();
    Object first = results.get(0).get(5, TimeUnit.SECONDS);
    for (Future<Object> f : results) assertThat(f.get(5, TimeUnit.SECONDS)).isSameAs(first);
    assertThat(builds).hasValue(1);
    assertThat(cache.stats().loads()).isEqualTo(1);
  }

  @Test
  void aFailedBuildReachesEveryWaiterAndIsNotCached() throws Exception {
    BoundedCache<String, String> cache = BoundedCache.create(4);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(pool.submit(() -> cache.get("w", k -> {
        await(release);
        throw new IllegalStateException("world too big");
      })));
    }
    awaitMisses(cache, 8);
    release.countDown();
    for (Future<String> f : results) {
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("world too big");
    }
    assertThat(cache.getIfPresent("w")).isNull();
    assertThat(cache.get("w", k -> "second try")).isEqualTo("second try");
    assertThat(cache.stats().loadFailures()).isEqualTo(1);
  }

  @Test
  void differentKeysBuildInParallel() throws Exception {
    BoundedCache<Integer, Integer> cache = BoundedCache.create(8);
    int keys = 4;
    CountDownLatch allBuilding = new CountDownLatch(keys);
    List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      int key = i;
      results.add(pool.submit(() -> cache.get(key, k -> {
        allBuilding.countDown();
        // only completes if every key's build runs at the same time
        await(allBuilding);
        return k * 10;
      })));
    }
    for (int i = 0; i < keys; i++) assertThat(results.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i * 10);
  }

  @Test
  void sizeStaysBoundedUnderConcurrentLoad() throws Exception {
    BoundedCache<Integer, Integer> cache = BoundedCache.create(16);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int seed = t;
      fs.add(pool.submit(() -> {
        for (int i = 0; i < 5_000; i++) {
          int k = (i * 31 + seed) % 200;
          assertThat(cache.get(k, x -> x + 1)).isEqualTo(k + 1);
        }
      }));
    }
    for (Future<?> f : fs) f.get(30, TimeUnit.SECONDS);
    assertThat(cache.size()).isLessThanOrEqualTo(16);
  }

  @Test
  void preconditionsNameTheValue() {
    assertThatThrownBy(() -> BoundedCache.create(0)).hasMessageContaining("maxSize is 0");
    BoundedCache<String, String> cache = BoundedCache.create(1);
    assertThatThrownBy(() -> cache.get("k", k -> null)).hasMessageContaining("k");
  }

  private static void awaitMisses(BoundedCache<?, ?> cache, long n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (cache.stats().misses() < n && System.nanoTime() < deadline) Thread.sleep(1);
    assertThat(cache.stats().misses()).isEqualTo(n);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("latch timed out");
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWeighedCacheKeepsItsWeightUnderTheBoundAndDropsValuesHeavierThanIt() {
    BoundedCache<String, byte[]> cache = BoundedCache.weighed(100, 1000, b -> b.length);
    cache.put("a", new byte[400]);
    cache.put("b", new byte[400]);
    assertThat(cache.weight()).isEqualTo(800);
    cache.put("c", new byte[400]); // one of the three goes
    assertThat(cache.weight()).isEqualTo(800);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("huge", k -> new byte[5000])).hasSize(5000); // returned, not kept
    assertThat(cache.getIfPresent("huge")).isNull();
    assertThat(cache.weight()).isLessThanOrEqualTo(1000);
    cache.invalidateAll();
    cache.put("b", new byte[100]);
    cache.put("b", new byte[300]); // replacing re-weighs
    assertThat(cache.weight()).isEqualTo(300);
    cache.invalidate("b");
    assertThat(cache.weight()).isZero();
    assertThatThrownBy(() -> BoundedCache.weighed(1, 0, b -> 1)).hasMessageContaining("maxWeight is 0");
  }

  @Test
  void aWeighedCacheHoldsAtMostItsSizeHoweverLightItsValues() {
    BoundedCache<Integer, byte[]> cache = BoundedCache.weighed(4, 1 << 20, b -> b.length);
    for (int i = 0; i < 10; i++) cache.put(i, new byte[1]);
    assertThat(cache.size()).isEqualTo(4);
  }
}
