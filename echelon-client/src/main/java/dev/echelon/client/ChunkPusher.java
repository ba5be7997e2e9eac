package dev.echelon.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Chunk;
import dev.echelon.core.ChunkCodec;
import dev.echelon.core.PushResponse;
import dev.echelon.core.RawJson;
import dev.echelon.core.World;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends worlds and chunks over a {@link Transport}: a world is uploaded only when the server does
 * not have it (HEAD first, remembered per hash), and frames are packed into chunks of at most N
 * frames or B bytes, whichever comes first.
 */
final class ChunkPusher {
  private final Transport transport;
  private final int chunkFrames;
  private final long chunkBytes;
  private final Counters counters;
  private final Set<String> knownWorlds = Collections.newSetFromMap(
      Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
          return size() > 1024;
        }
      }));

  private final Object defaultRun;

  ChunkPusher(Transport transport, int chunkFrames, long chunkBytes, Counters counters, Object defaultRun) {
    this.defaultRun = defaultRun;
    this.transport = transport;
    this.chunkFrames = chunkFrames;
    this.chunkBytes = chunkBytes;
    this.counters = counters;
  }

  /** Makes sure the server has the world; true when it had to be uploaded. */
  boolean ensureWorld(World world) throws InterruptedException {
    if (knownWorlds.contains(world.hash())) return false;
    if (transport.hasWorld(world.hash())) {
      knownWorlds.add(world.hash());
      return false;
    }
    byte[] json = RawJson.serialize(world.document()).toByteArray();
    counters.bytes.add(transport.putWorld(world.hash(), json));
    knownWorlds.add(world.hash());
    return true;
  }

  void forgetWorld(String hash) {
    knownWorlds.remove(hash);
  }

  /** Pushes a whole replay, blocking; throws {@link EchelonException} when it cannot. */
  PushSummary push(Replay replay) throws InterruptedException {
    return push(replay, (i, n, b) -> {});
  }

  PushSummary push(Replay replay, PushProgress progress) throws InterruptedException {
    long t0 = System.nanoTime();
    World world = JsonPayloads.world(replay.world);
    boolean uploaded = ensureWorld(world);
    JsonNode meta = JsonPayloads.tree(replay.meta);
    JsonNode run = JsonPayloads.tree(replay.run != null ? replay.run : defaultRun);
    List<RawJson> frames = replay.frames.stream().map(JsonPayloads::raw).toList();
    List<int[]> ranges = plan(frames);
    long[] sent = {0};
    for (int i = 0; i < ranges.size(); i++) {
      int[] r = ranges.get(i);
      Chunk c = new Chunk(replay.replayId, world.hash(), i, ranges.size(), false, RawJson.array(frames, r[0], r[1]),
          r[1] - r[0], i == 0 ? meta : null, i == 0 ? run : null);
      sendChunk(c, world, sent);
      progress.chunkSent(i, ranges.size(), sent[0]);
    }
    counters.bytes.add(sent[0]);
    counters.sent.increment();
    return new PushSummary(replay.replayId, world.hash(), uploaded, ranges.size(), frames.size(), sent[0],
        Duration.ofNanos(System.nanoTime() - t0), viewerUrl(replay.replayId));
  }

  Transport transport() {
    return transport;
  }

  /** The viewer page that opens a replay on this server. */
  String viewerUrl(String replayId) {
    return transport.base().newBuilder().addQueryParameter("replay", replayId).build().toString();
  }

  /** Sends one chunk; re-uploads the world once if the server has lost it. */
  PushResponse sendChunk(Chunk c, World world, long[] sent) throws InterruptedException {
    byte[] body = ChunkCodec.write(c);
    try {
      return transport.postChunk(body, sent);
    } catch (EchelonException e) {
      if (e.status() != 400 || !e.detail().contains("unknown world_ref")) throw e;
      forgetWorld(world.hash());
      ensureWorld(world);
      return transport.postChunk(body, sent);
    }
  }

  /** Splits frames into [from, to) ranges of at most chunkFrames frames and chunkBytes bytes. */
  List<int[]> plan(List<RawJson> frames) {
    var out = new java.util.ArrayList<int[]>();
    int start = 0;
    long bytes = 0;
    for (int i = 0; i < frames.size(); i++) {
      long size = frames.get(i).size() + 1;
      if (i > start && (i - start >= chunkFrames || bytes + size > chunkBytes)) {
        out.add(new int[] {start, i});
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (start < frames.size() || out.isEmpty()) out.add(new int[] {start, frames.size()});
    return out;
  }

  Object defaultRun() {
    return defaultRun;
  }

  boolean full(int frames, long bytes) {
    return frames >= chunkFrames || bytes >= chunkBytes;
  }
}
