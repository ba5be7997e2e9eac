package dev.echelon.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import dev.echelon.core.RawJson;
import dev.echelon.core.World;
import java.nio.charset.StandardCharsets;

/** Turns what trainers hand us (trees, maps, POJOs, raw JSON) into bytes and worlds. */
final class JsonPayloads {
  private JsonPayloads() {}

  /** Compact JSON; raw text and bytes are taken as they are (whitespace dropped), never re-parsed. */
  static RawJson raw(Object value) {
    if (value instanceof RawJson r) return r;
    if (value instanceof byte[] b) return RawJson.compact(b, 0, b.length);
    if (value instanceof CharSequence s) return RawJson.compact(s.toString());
    return RawJson.serialize(value);
  }

  /** A world with its hash; raw JSON is parsed once because the hash needs the canonical form. */
  static World world(Object value) {
    if (value instanceof World w) return w;
    if (value instanceof byte[] b) return World.parse(b);
    if (value instanceof CharSequence s) return World.parse(s.toString().getBytes(StandardCharsets.UTF_8));
    JsonNode node = value instanceof JsonNode n ? n : Json.mapper().valueToTree(value);
    return World.of(node);
  }

  /**
   * Checks a meta or run value where the trainer passes it, so a mistake fails at the call that
   * made it and not later on the sender thread: JSON text must parse to an object, and a tree must
   * be an object. Maps and POJOs are converted later, on the sender.
   */
  static Object requireObject(String name, Object value) {
    if (value == null) return null;
    if (value instanceof CharSequence || value instanceof byte[]) {
      JsonNode n;
      try {
        n = tree(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " must be a JSON object, a Map, a POJO or a JsonNode; got the string "
            + quoted(value) + ", which is not JSON (e.g. use Map.of(\"episode\", 7))", e);
      }
      value = n;
    }
    if (value instanceof JsonNode n && !n.isObject()) {
      throw new IllegalArgumentException(name + " must be a JSON object, got " + n.getNodeType().name().toLowerCase(
          java.util.Locale.ROOT) + " " + quoted(n.toString()));
    }
    return value;
  }

  private static String quoted(Object value) {
    String s = value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value.toString();
    return "\"" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"";
  }

  /** Meta or run objects as trees (small); null stays null. */
  static JsonNode tree(Object value) {
    if (value == null) return null;
    if (value instanceof JsonNode n) return n;
    try {
      if (value instanceof byte[] b) return Json.mapper().readTree(b);
      if (value instanceof CharSequence s) return Json.mapper().readTree(s.toString());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
    return Json.mapper().valueToTree(value);
  }
}
