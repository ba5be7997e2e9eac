package dev.echelon.client;

/**
 * Told after each chunk of a blocking push is accepted, for progress bars and latency figures.
 * Called on the pushing thread; keep it quick.
 */
@FunctionalInterface
public interface PushProgress {
  /**
   * @param index the chunk just accepted, from 0
   * @param count the replay's chunk count
   * @param bytesSent compressed bytes sent for this replay so far
   */
  void chunkSent(int index, int count, long bytesSent);
}
