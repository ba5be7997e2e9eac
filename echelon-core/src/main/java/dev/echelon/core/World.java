package dev.echelon.core;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Objects;

/**
 * A parsed world document with its hash. The document is kept verbatim (unknown fields included)
 * because viewers receive it as the trainer sent it; the hash is computed once at parse time.
 *
 * @param document the world JSON object
 * @param hash its {@link WorldHash}
 */
public record World(JsonNode document, String hash) {
  public World {
    Objects.requireNonNull(document, "document");
    if (!document.isObject()) {
      throw ProtocolException.invalid("world must be a JSON object, got " + document.getNodeType());
    }
    WorldHash.requireValid("hash", hash);
    JsonNode size = document.get("size");
    if (size != null && !size.isNull()) {
      if (!size.isArray() || size.size() != 3) {
        throw ProtocolException.invalid("world.size must be [sx, sy, sz], got " + Strings.quote(size));
      }
      for (JsonNode n : size) {
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
          throw ProtocolException.invalid("world.size must hold non-negative ints, got " + Strings.quote(size));
        }
      }
    }
    JsonNode walls = document.get("walls");
    if (walls != null && !walls.isNull() && !walls.isArray()) {
      throw ProtocolException.invalid("world.walls must be an array, got " + walls.getNodeType());
    }
  }

  /** Parses and hashes a world; throws {@link ProtocolException} naming what is wrong. */
  public static World parse(byte[] json) {
    JsonNode doc = readTree(json);
    return new World(doc, WorldHash.of(doc));
  }

  /** Wraps an already parsed document, computing its hash. */
  public static World of(JsonNode document) {
    Objects.requireNonNull(document, "document");
    if (!document.isObject()) {
      throw ProtocolException.invalid("world must be a JSON object, got " + document.getNodeType());
    }
    return new World(document, WorldHash.of(document));
  }

  /** Voxel size in metres; 5.0 when absent, as in PROTOCOL.md. */
  public double voxelSize() {
    JsonNode vs = document.get("voxel_size_m");
    return vs != null && vs.isNumber() ? vs.doubleValue() : 5.0;
  }

  static JsonNode readTree(byte[] json) {
    try {
      JsonNode node = Json.mapper().readTree(json);
      if (node == null || node.isMissingNode()) throw new ProtocolException("empty JSON body", true);
      return node;
    } catch (JacksonException e) {
      throw new ProtocolException("malformed JSON: " + e.getOriginalMessage(), true);
    } catch (IOException e) {
      throw new ProtocolException("unreadable JSON: " + e.getMessage(), true);
    }
  }
}
