package dev.echelon.core;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to {@code GET /health}: enough for a trainer or a load balancer to tell the server
 * is up and how many viewers are watching.
 *
 * @param status always {@code "ok"} when the server answers
 * @param clients connected SSE viewers
 * @param uptimeSeconds seconds since start
 */
public record Health(
    @JsonProperty("status") String status,
    @JsonProperty("clients") int clients,
    @JsonProperty("uptime_s") double uptimeSeconds) {
  public Health {
    if (status == null || status.isEmpty()) throw ProtocolException.invalid("status is required");
    if (clients < 0) throw ProtocolException.invalid("clients must be >= 0, got " + clients);
    if (!(uptimeSeconds >= 0)) throw ProtocolException.invalid("uptime_s must be >= 0, got " + uptimeSeconds);
  }
}
