package dev.echelon.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a simulator replay file ({@code {"world": ..., "frames": [...]}}, optionally gzipped).
 * Frames are cut out of the file by byte offsets, not parsed into objects, so a 50 MB replay
 * costs one token scan.
 */
final class ReplayFile {
  private ReplayFile() {}

  static Replay read(Path file, String replayId) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      InputStream body = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 64 * 1024) : in;
      bytes = body.readAllBytes();
    }
    JsonNode world = null;
    JsonNode meta = null;
    JsonNode run = null;
    List<Object> frames = new ArrayList<>();
    try (JsonParser p = Json.mapper().createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException(file + " is not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "world" -> world = Json.readTree(p);
          case "meta" -> meta = Json.readTree(p);
          case "run" -> run = Json.readTree(p);
          case "frames" -> {
            if (t != JsonToken.START_ARRAY) throw new IOException(file + ": \"frames\" must be an array");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              int start = (int) p.currentTokenLocation().getByteOffset();
              p.skipChildren();
              int end = (int) p.currentLocation().getByteOffset();
              frames.add(dev.echelon.core.RawJson.compact(bytes, start, end - start));
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (world == null) throw new IOException(file + " has no \"world\"; expected the simulator's {\"world\", \"frames\"} format");
    Replay.Builder b = Replay.builder().world(world).frames(frames).meta(meta).run(run);
    if (replayId != null) b.replayId(replayId);
    return b.build();
  }
}
