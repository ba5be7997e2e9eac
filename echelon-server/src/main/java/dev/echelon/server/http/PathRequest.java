package dev.echelon.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.WorldHash;
import dev.echelon.nav.Position;
import dev.echelon.server.base.ApiException;

/**
 * The body of {@code POST /nav/path}: a world and two positions in metres, read into the nav
 * module's own types; every problem is a 400 naming the field.
 *
 * @param worldHash the world to plan on
 * @param start where the mech is
 * @param goal where it should go
 */
record PathRequest(String worldHash, Position start, Position goal) {
  /** Reads the request body. */
  static PathRequest fromJson(JsonNode body) {
    return new PathRequest(worldHashField(body), position("start_pos", body.get("start_pos")),
        position("goal_pos", body.get("goal_pos")));
  }

  /** Reads {@code world_hash} from a nav request body (PROTOCOL.md §2: 400 without it). */
  static String worldHashField(JsonNode body) {
    if (body == null || !body.isObject()) throw ApiException.badRequest("body must be a JSON object");
    JsonNode h = body.get("world_hash");
    if (h == null || h.isNull()) throw ApiException.badRequest("world_hash is required");
    if (!h.isTextual()) throw ApiException.badRequest("world_hash must be a string, got " + h.getNodeType());
    try {
      return WorldHash.requireValid("world_hash", h.textValue());
    } catch (dev.echelon.core.ProtocolException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  /** Reads {@code [x, y, z]}: three finite numbers (a NaN from a diverged policy stops here). */
  private static Position position(String field, JsonNode node) {
    if (node == null || node.isNull()) throw ApiException.badRequest(field + " is required");
    if (!node.isArray() || node.size() != 3) throw ApiException.badRequest(field + " must be [x, y, z], got " + quote(node));
    for (JsonNode n : node) {
      if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
        throw ApiException.badRequest(field + " must be three finite numbers, got " + quote(node));
      }
    }
    return new Position(node.get(0).doubleValue(), node.get(1).doubleValue(), node.get(2).doubleValue());
  }

  private static String quote(JsonNode n) {
    String s = n.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
