package dev.echelon.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A point in metres (z up). Finite by construction, so a NaN from a diverged policy is rejected at
 * the edge instead of poisoning a path search.
 */
public record Position(double x, double y, double z) {
  public Position {
    if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
      throw ProtocolException.invalid("position must be three finite numbers, got [" + x + ", " + y + ", " + z + "]");
    }
  }

  /** Reads {@code [x, y, z]}, naming {@code field} when it is anything else. */
  public static Position fromJson(String field, JsonNode node) {
    if (node == null || node.isNull()) throw ProtocolException.invalid(field + " is required");
    if (!node.isArray() || node.size() != 3) {
      throw ProtocolException.invalid(field + " must be [x, y, z], got " + Strings.quote(node));
    }
    for (JsonNode n : node) {
      if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
        throw ProtocolException.invalid(field + " must be three finite numbers, got " + Strings.quote(node));
      }
    }
    return new Position(node.get(0).doubleValue(), node.get(1).doubleValue(), node.get(2).doubleValue());
  }
}
