package dev.echelon.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.echelon.core.Json;
import dev.echelon.server.log.ReplaySummary;
import java.io.IOException;

/** How a replay's summary is written in {@code /replays} and {@code /runs} answers. */
final class ReplayJson {
  private ReplayJson() {}

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** Writes the summary's fields into the object the generator is in. */
  static void fields(JsonGenerator g, ReplaySummary r, double now) throws IOException {
    g.writeStringField("replay_id", r.replayId());
    g.writeStringField("world_ref", r.worldRef());
    if (r.chunkCount() == null) g.writeNullField("chunk_count");
    else g.writeNumberField("chunk_count", r.chunkCount());
    g.writeNumberField("chunks_received", r.chunksReceived());
    g.writeNumberField("frames", r.frames());
    g.writeNumberField("bytes", r.bytes());
    g.writeBooleanField("complete", r.complete());
    g.writeBooleanField("live", r.receiving(now));
    raw(g, "meta", r.meta());
    raw(g, "run", r.run());
    g.writeNumberField("started_at", r.startedAt());
    g.writeNumberField("updated_at", r.updatedAt());
    g.writeNumberField("first_event_id", r.firstEventId());
    g.writeNumberField("last_event_id", r.lastEventId());
  }

  /** A compact JSON value the log holds as bytes, written as it is. */
  static void raw(JsonGenerator g, String name, byte[] json) throws IOException {
    g.writeFieldName(name);
    if (json == null) g.writeNull();
    else g.writeRawValue(new String(json, java.nio.charset.StandardCharsets.UTF_8));
  }

  static JsonGenerator generator(java.io.OutputStream out) throws IOException {
    return Json.mapper().getFactory().createGenerator(out);
  }
}
