package dev.echelon.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.echelon.core.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/** Small helpers shared by the services for JSON answers and bodies. */
final class Responses {
  private Responses() {}

  static void json(ServerResponse res, Object value) {
    try {
      json(res, Json.mapper().writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  static void json(ServerResponse res, byte[] body) {
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(body);
  }
}
