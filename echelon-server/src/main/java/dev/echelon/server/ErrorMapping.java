package dev.echelon.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.echelon.core.Json;
import dev.echelon.core.ProtocolException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The one place where exceptions become HTTP answers, always {@code {"detail": "..."}}. */
final class ErrorMapping {
  private static final Logger LOG = System.getLogger(ErrorMapping.class.getName());

  private ErrorMapping() {}

  static void register(HttpRouting.Builder routing) {
    routing.error(ApiException.class, (req, res, e) -> send(res, e.status(), e.getMessage()));
    routing.error(ProtocolException.class, (req, res, e) -> send(res, e.malformed() ? 400 : 422, e.getMessage()));
    routing.error(HttpException.class, (req, res, e) -> send(res, e.status().code(), e.getMessage()));
    routing.error(RequestException.class, (req, res, e) -> send(res, e.status().code(), e.getMessage()));
    routing.error(UncheckedIOException.class, (req, res, e) -> {
      if (e.getCause() instanceof java.io.EOFException || e.getCause() instanceof java.net.SocketException) {
        send(res, 400, "the request body ended early: " + e.getCause().getMessage());
      } else {
        LOG.log(Level.ERROR, "I/O error on " + req.prologue().uriPath().path(), e);
        send(res, 500, "server I/O error: " + e.getMessage() + "; see the server log");
      }
    });
    routing.error(Exception.class, (req, res, e) -> {
      Throwable cause = unwrap(e);
      if (cause instanceof ApiException api) {
        send(res, api.status(), api.getMessage());
      } else if (cause instanceof ProtocolException p) {
        send(res, p.malformed() ? 400 : 422, p.getMessage());
      } else {
        LOG.log(Level.ERROR, "unexpected error on " + req.prologue().uriPath().path(), e);
        send(res, 500, "internal error: " + e + "; see the server log");
      }
    });
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    for (int i = 0; i < 8 && t.getCause() != null && !(t instanceof ApiException) && !(t instanceof ProtocolException); i++) {
      t = t.getCause();
    }
    return t;
  }

  static void send(ServerResponse res, int status, String detail) {
    if (res.isSent()) return;
    byte[] body;
    try {
      body = Json.mapper().writeValueAsBytes(Map.of("detail", detail == null ? "error" : detail));
    } catch (JsonProcessingException e) {
      body = "{\"detail\":\"error\"}".getBytes(StandardCharsets.US_ASCII);
    }
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(body);
  }
}
