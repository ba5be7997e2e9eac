package dev.echelon.server.http;

import dev.echelon.server.log.ChunkTally;
import dev.echelon.server.log.Payload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * {@code ./bench.sh tally}: what reading a pushed chunk's frames into its {@link ChunkTally} costs
 * the push, in ms per MB of frames, on the simulator's own replay (its 185 frames repeated into
 * 100-frame chunks, the Python trainer's size), beside what parsing the whole push costs with it.
 */
public final class TallyBench {
  private TallyBench() {}

  public static void main(String[] args) throws Exception {
    List<String> frames = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(TallyBench.class.getResourceAsStream("/fixtures/replay-20x20-seed0.json.gz"))) {
      for (JsonNode f : Json.mapper().readTree(in).get("frames")) frames.add(f.toString());
    }
    List<byte[]> chunks = new ArrayList<>();
    List<byte[]> pushes = new ArrayList<>();
    long bytes = 0;
    for (int c = 0; c < 200; c++) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < 100; i++) b.append(i == 0 ? "" : ",").append(frames.get((c * 100 + i) % frames.size()));
      byte[] chunk = b.append(']').toString().getBytes(StandardCharsets.UTF_8);
      chunks.add(chunk);
      pushes.add(("{\"replay_id\":\"bench\",\"world_ref\":\"0123456789abcdef\",\"chunk_index\":" + c
          + ",\"chunk_count\":200,\"frames\":" + new String(chunk, StandardCharsets.UTF_8) + "}").getBytes(StandardCharsets.UTF_8));
      bytes += chunk.length;
    }
    double mb = bytes / 1e6;
    System.out.printf("%d chunks of 100 frames, %.1f MB of frames%n", chunks.size(), mb);
    List<Double> tally = new ArrayList<>();
    List<Double> scan = new ArrayList<>();
    long sink = 0;
    for (int round = 0; round < 13; round++) { // the first 3 warm up
      long t0 = System.nanoTime();
      for (byte[] c : chunks) sink += ChunkTally.of(Payload.Slice.of(c)).mechs().size();
      long t1 = System.nanoTime();
      for (byte[] p : pushes) sink += PushParser.parse(p, 100_000).frameCount();
      long t2 = System.nanoTime();
      if (round >= 3) {
        tally.add((t1 - t0) / 1e6 / mb);
        scan.add((t2 - t1) / 1e6 / mb);
      }
    }
    Collections.sort(tally);
    Collections.sort(scan);
    System.out.printf("tally alone: %.2f ms/MB (median of 10; min %.2f); parsing the push with it: %.2f ms/MB (sink %d)%n",
        tally.get(5), tally.get(0), scan.get(5), sink);
  }
}
