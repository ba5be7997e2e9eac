package dev.echelon.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.echelon.core.Gzip;
import dev.echelon.core.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Small helpers shared by the services for JSON answers and bodies. */
final class Responses {
  private Responses() {}

  static void json(ServerRequest req, ServerResponse res, Object value) {
    try {
      json(req, res, Json.mapper().writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /** Sends JSON, gzip-compressed when the client accepts it and it is worth it. */
  static void json(ServerRequest req, ServerResponse res, byte[] body) {
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    if (body.length > 1024 && acceptsGzip(req)) {
      res.header(HeaderNames.CONTENT_ENCODING, "gzip");
      res.header(HeaderNames.VARY, "Accept-Encoding");
      body = Gzip.compress(body);
    }
    res.send(body);
  }

  static boolean acceptsGzip(ServerRequest req) {
    return req.headers().first(HeaderNames.ACCEPT_ENCODING).map(v -> v.contains("gzip")).orElse(false);
  }
}
