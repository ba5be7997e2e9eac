package dev.echelon.server.live;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.echelon.server.log.Payload;

/**
 * Chunk events framed once per encoding and shared by every viewer that sends them, live or
 * catching up from disk: the first viewer to reach an event frames it (a plain viewer behind the
 * tail cache inflates it then, once), the others write the same bytes. Plain viewers of a chunk
 * the push still holds need no frame: they write the push's bytes. Keyed by event id, which
 * stands for one event for the log's lifetime. Bounded in bytes; the least used go first.
 */
final class WireFrames {
  private final Cache<Long, WireFrame> frames;

  /** @param maxBytes heap the frames may hold; 0 frames every event for its viewer alone */
  WireFrames(long maxBytes) {
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes is " + maxBytes + "; it must be >= 0");
    this.frames = maxBytes == 0 ? null : Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Long key, WireFrame f) -> f.weight())
        .build();
  }

  /** The {@code replay_chunk} event {@code id} carrying {@code data}, framed for one encoding. */
  WireFrame chunk(long id, Payload data, boolean gzip) {
    if (frames == null) return WireFrame.of(id, Cursor.CHUNK, data, gzip);
    return frames.get(id << 1 | (gzip ? 1 : 0), k -> WireFrame.of(id, Cursor.CHUNK, data, gzip));
  }

  /** Heap the frames hold now. */
  long bytes() {
    return frames == null ? 0 : frames.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }
}
