package dev.echelon.core;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
      for (int i = 0; i < 3; i++) checkDimension(i, size.get(i).isIntegralNumber() && size.get(i).canConvertToLong()
          ? size.get(i).longValue() : null, Strings.quote(size.get(i)));
    }
    JsonNode walls = document.get("walls");
    if (walls != null && !walls.isNull() && !walls.isArray()) {
      throw ProtocolException.invalid("world.walls must be an array, got " + walls.getNodeType());
    }
  }

  /** Largest size of a world along any axis: heights are held in 16 bits by navigation. */
  public static final int MAX_DIMENSION = 32_767;

  private static void checkDimension(int axis, Long v, String given) {
    if (v == null || v < 0 || v > MAX_DIMENSION) {
      throw new ProtocolException("world.size[" + axis + "] must be an integer in 0.." + MAX_DIMENSION + ", got " + given, false);
    }
  }

  /**
   * Checks a world's JSON and returns its hash without building a tree: {@code size} and
   * {@code walls} are checked as {@link #World} does, the walls are skipped, and the hash is
   * streamed. A world of 10^5 walls costs about its own size in memory.
   */
  public static String checkedHash(byte[] json) {
    try (JsonParser p = Json.mapper().createParser(json)) {
      JsonToken t = p.nextToken();
      if (t == null) throw new ProtocolException("empty JSON body", true);
      if (t != JsonToken.START_OBJECT) throw ProtocolException.invalid("world must be a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        if (name.equals("size") && t != JsonToken.VALUE_NULL) {
          if (t != JsonToken.START_ARRAY) throw ProtocolException.invalid("world.size must be [sx, sy, sz]");
          int i = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            if (i >= 3) throw ProtocolException.invalid("world.size must be [sx, sy, sz], got more than 3 values");
            boolean integral = p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
            checkDimension(i++, integral ? p.getLongValue() : null, p.currentToken().isScalarValue() ? p.getText() : "a " + p.currentToken());
            p.skipChildren();
          }
          if (i != 3) throw ProtocolException.invalid("world.size must be [sx, sy, sz], got " + i + " values");
        } else if (name.equals("walls") && t != JsonToken.VALUE_NULL && t != JsonToken.START_ARRAY) {
          throw ProtocolException.invalid("world.walls must be an array");
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) throw new ProtocolException("malformed JSON: trailing content after the world", true);
    } catch (JacksonException e) {
      throw new ProtocolException("malformed JSON: " + e.getOriginalMessage(), true);
    } catch (IOException e) {
      throw new ProtocolException("unreadable JSON: " + e.getMessage(), true);
    }
    return WorldHash.of(json);
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
