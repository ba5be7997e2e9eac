package dev.echelon.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What the archive knows about one replay: the manifest kept in memory (indices and sizes, never
 * frames) and written to {@code replays/<id>/manifest.json}. Guarded by the archive's lock.
 */
final class ArchivedReplay {
  final String id;
  final String worldRef;
  Integer total;
  final BitSet received = new BitSet();
  /** Compressed size of each stored chunk file, to spot truncation after a crash. */
  final Map<Integer, Long> fileBytes = new HashMap<>();
  long frames;
  long bytes;
  JsonNode meta;
  JsonNode run;
  final double startedAt;
  double updatedAt;
  boolean complete;

  ArchivedReplay(String id, String worldRef, double startedAt) {
    this.id = id;
    this.worldRef = worldRef;
    this.startedAt = startedAt;
    this.updatedAt = startedAt;
  }

  /** The training run's name: {@code run.name}, else {@code run.run_dir}, else null. */
  String runName() {
    return runName(run);
  }

  static String runName(JsonNode run) {
    if (run == null) return null;
    if (run.path("name").isTextual()) return run.get("name").asText();
    if (run.path("run_dir").isTextual()) return run.get("run_dir").asText();
    return null;
  }

  long diskBytes() {
    long n = 0;
    for (long b : fileBytes.values()) n += b;
    return n;
  }

  /** The summary served by {@code GET /replays}. */
  ObjectNode summary(boolean receiving) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("replay_id", id).put("world_ref", worldRef);
    if (total == null) n.putNull("chunk_count"); else n.put("chunk_count", total);
    n.put("chunks_received", received.cardinality()).put("frames", frames).put("bytes", bytes)
        .put("complete", complete).put("live", receiving);
    n.set("meta", meta == null ? Json.mapper().nullNode() : meta);
    n.set("run", run == null ? Json.mapper().nullNode() : run);
    n.put("started_at", startedAt).put("updated_at", updatedAt);
    return n;
  }

  /** The manifest: the summary plus what recovery needs. */
  ObjectNode manifest() {
    ObjectNode n = summary(false);
    n.remove("live");
    var rec = n.putArray("received");
    received.stream().forEach(rec::add);
    ObjectNode sizes = n.putObject("chunk_bytes");
    fileBytes.forEach((i, b) -> sizes.put(String.valueOf(i), b));
    return n;
  }

  static ArchivedReplay fromManifest(JsonNode m) {
    ArchivedReplay r = new ArchivedReplay(m.get("replay_id").asText(), m.get("world_ref").asText(),
        m.path("started_at").asDouble());
    r.total = m.hasNonNull("chunk_count") ? m.get("chunk_count").asInt() : null;
    for (JsonNode i : m.path("received")) r.received.set(i.asInt());
    m.path("chunk_bytes").properties().forEach(e -> r.fileBytes.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    r.frames = m.path("frames").asLong();
    r.bytes = m.path("bytes").asLong();
    r.meta = m.hasNonNull("meta") ? m.get("meta") : null;
    r.run = m.hasNonNull("run") ? m.get("run") : null;
    r.updatedAt = m.path("updated_at").asDouble(r.startedAt);
    r.complete = m.path("complete").asBoolean();
    return r;
  }
}
