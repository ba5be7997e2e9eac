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

  /** True when Accept-Encoding lists gzip (or *) with a non-zero quality (RFC 9110 §12.5.3). */
  static boolean acceptsGzip(ServerRequest req) {
    for (String value : req.headers().all(HeaderNames.ACCEPT_ENCODING, java.util.List::of)) {
      for (String item : value.split(",")) {
        String[] parts = item.split(";");
        String coding = parts[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) continue;
        double q = 1;
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].strip();
          if (p.startsWith("q=") || p.startsWith("Q=")) {
            try {
              q = Double.parseDouble(p.substring(2).strip());
            } catch (NumberFormatException e) {
              q = 0;
            }
          }
        }
        if (q > 0) return true;
      }
    }
    return false;
  }
}
