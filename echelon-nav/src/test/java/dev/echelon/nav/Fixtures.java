package dev.echelon.nav;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/** Test fixtures: the simulator's worlds and the reference graphs, read with Jackson (test scope only). */
final class Fixtures {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  static JsonNode json(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) throw new IllegalStateException("missing fixture " + name);
      return MAPPER.readTree(new GZIPInputStream(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static VoxelWorld world(JsonNode doc) {
    JsonNode size = doc.get("size");
    JsonNode walls = doc.get("walls");
    int[] xyzt = new int[walls.size() * 4];
    int i = 0;
    for (JsonNode w : walls) {
      xyzt[i++] = w.get(0).asInt();
      xyzt[i++] = w.get(1).asInt();
      xyzt[i++] = w.get(2).asInt();
      xyzt[i++] = w.size() > 3 ? w.get(3).asInt() : 1;
    }
    double vs = doc.has("voxel_size_m") ? doc.get("voxel_size_m").asDouble() : 5.0;
    return VoxelWorld.fromWalls(size.get(0).asInt(), size.get(1).asInt(), size.get(2).asInt(), vs, xyzt);
  }

  static VoxelWorld world(String name) {
    return world(json(name));
  }
}
