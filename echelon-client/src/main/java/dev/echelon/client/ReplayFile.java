package dev.echelon.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the simulator's replay files ({@code {"world": ..., "frames": [...]}}, optionally
 * gzipped) so recorded episodes can be pushed like live ones. Frames are cut out of the file by
 * byte offsets, not parsed into objects, so a 50 MB replay costs one token scan.
 *
 * <p>The replay's meta is the file's {@code meta} object, if any, with a {@code name} (the file
 * name without {@code .json[.gz]}) and the file's top-level {@code episode} and {@code update}
 * numbers added where it has none: that is what the viewer's library shows for the replay.
 */
public final class ReplayFile {
  private ReplayFile() {}

  /** Reads a replay file with a fresh replay id. */
  public static Replay read(Path file) throws IOException {
    return read(file, null);
  }

  /**
   * Reads a replay file.
   *
   * @param replayId the id to push it under, or null for a fresh one
   * @throws IOException when the file cannot be read, is not JSON, or has no world
   */
  public static Replay read(Path file, String replayId) throws IOException {
    if (Files.isDirectory(file)) throw new IOException(file + " is a directory, not a replay file");
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      InputStream body = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 64 * 1024) : in;
      bytes = body.readAllBytes();
    }
    JsonNode world = null;
    JsonNode meta = null;
    JsonNode run = null;
    ObjectNode top = Json.mapper().createObjectNode();
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
          case "episode", "update" -> {
            if (t.isNumeric()) top.set(name, Json.readTree(p));
            else p.skipChildren();
          }
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
    ObjectNode m = meta instanceof ObjectNode o ? o : Json.mapper().createObjectNode();
    if (!m.has("name")) m.put("name", name(file));
    top.properties().forEach(e -> {
      if (!m.has(e.getKey())) m.set(e.getKey(), e.getValue());
    });
    Replay.Builder b = Replay.builder().world(world).frames(frames).meta(m).run(run);
    if (replayId != null) b.replayId(replayId);
    return b.build();
  }

  private static String name(Path file) {
    String n = file.getFileName().toString();
    for (String ext : new String[] {".gz", ".json"}) {
      if (n.endsWith(ext)) n = n.substring(0, n.length() - ext.length());
    }
    return n;
  }
}
