package dev.echelon.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The body of {@code POST /nav/path}: a world and two positions in metres.
 *
 * @param worldHash the world to plan on
 * @param start where the mech is
 * @param goal where it should go
 */
public record PathRequest(String worldHash, Position start, Position goal) {
  public PathRequest {
    WorldHash.requireValid("world_hash", worldHash);
    Objects.requireNonNull(start, "start_pos");
    Objects.requireNonNull(goal, "goal_pos");
  }

  /** Reads the request body, naming the field that is missing or wrong. */
  public static PathRequest fromJson(JsonNode body) {
    if (body == null || !body.isObject()) throw ProtocolException.invalid("body must be a JSON object");
    return new PathRequest(
        worldHashField(body),
        Position.fromJson("start_pos", body.get("start_pos")),
        Position.fromJson("goal_pos", body.get("goal_pos")));
  }

  /** Reads {@code world_hash} from a nav request body. */
  public static String worldHashField(JsonNode body) {
    if (body == null || !body.isObject()) throw ProtocolException.invalid("body must be a JSON object");
    JsonNode h = body.get("world_hash");
    if (h == null || h.isNull()) throw ProtocolException.invalid("world_hash is required");
    if (!h.isTextual()) throw ProtocolException.invalid("world_hash must be a string, got " + h.getNodeType());
    return WorldHash.requireValid("world_hash", h.textValue());
  }
}
