package dev.echelon.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.echelon.core.Json;
import dev.echelon.core.ProtocolException;
import dev.echelon.server.base.ApiException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place where exceptions become HTTP answers, always {@code {"detail": "..."}}. A refusal
 * keeps its status and says what to fix; anything else is a server fault: 500, logged in full
 * under a request id that the answer repeats, and never with an exception's class or message.
 */
public final class ErrorMapping {
  private static final Logger LOG = System.getLogger(ErrorMapping.class.getName());
  private static final String PREFIX = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36, 36L * 36 * 36 * 36), 36);
  private static final AtomicLong REQUESTS = new AtomicLong();

  private ErrorMapping() {}

  static void register(HttpRouting.Builder routing) {
    routing.error(ApiException.class, (req, res, e) -> send(req, res, e.status(), e.getMessage()));
    routing.error(ProtocolException.class, (req, res, e) -> send(req, res, e.malformed() ? 400 : 422, e.getMessage()));
    routing.error(RequestException.class, (req, res, e) -> send(req, res, e.status().code(), e.getMessage()));
    routing.error(HttpException.class, (req, res, e) -> {
      if (e.status().code() >= 500) fault(req, res, e);
      else send(req, res, e.status().code(), e.getMessage());
    });
    routing.error(Exception.class, (req, res, e) -> {
      Throwable cause = unwrap(e);
      if (cause instanceof ApiException api) send(req, res, api.status(), api.getMessage());
      else if (cause instanceof ProtocolException p) send(req, res, p.malformed() ? 400 : 422, p.getMessage());
      else fault(req, res, e);
    });
  }

  private static void fault(ServerRequest req, ServerResponse res, Throwable e) {
    String id = PREFIX + "-" + REQUESTS.incrementAndGet();
    LOG.log(Level.ERROR, "request " + id + " (" + req.prologue().method().text() + " " + req.prologue().uriPath().path()
        + ") failed", e);
    send(req, res, 500, "internal server error (request " + id + "); the server log has the details under that id");
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    for (int i = 0; i < 8 && t.getCause() != null && !(t instanceof ApiException) && !(t instanceof ProtocolException); i++) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The answers Helidon gives itself, before routing (a malformed request line or header, a
   * negative Content-Length, a body beyond the backstop limit): the same {@code {"detail"}} JSON as
   * every other error, and the connection closed when Helidon says it cannot go on.
   */
  public static DirectHandlers directHandlers() {
    DirectHandler json = (request, type, status, headers, message) -> {
      String detail = switch (type) {
        case BAD_REQUEST -> "the request is malformed (" + message + "); check its request line, headers and framing";
        case PAYLOAD_TOO_LARGE -> "the request body is too large (" + message + ")";
        case HTTP_VERSION_NOT_SUPPORTED -> "only HTTP/1.1 (and HTTP/1.0) is spoken here";
        case INTERNAL_ERROR -> "internal server error; the server log has the details";
        default -> message == null || message.isBlank() ? status.reasonPhrase() : message;
      };
      byte[] body;
      try {
        body = Json.mapper().writeValueAsBytes(Map.of("detail", detail));
      } catch (JsonProcessingException e) {
        body = "{\"detail\":\"error\"}".getBytes(StandardCharsets.US_ASCII);
      }
      return DirectHandler.TransportResponse.builder().status(status).headers(headers)
          .header(HeaderNames.CONTENT_TYPE, "application/json").keepAlive(type.keepAlive()).entity(body).build();
    };
    DirectHandlers.Builder b = DirectHandlers.builder();
    for (DirectHandler.EventType type : DirectHandler.EventType.values()) b.addHandler(type, json);
    return b.build();
  }

  /** As {@link #send(ServerResponse, int, String)}, without a body for HEAD (RFC 9110 §9.3.2). */
  static void send(ServerRequest req, ServerResponse res, int status, String detail) {
    if (req.prologue().method() == io.helidon.http.Method.HEAD) {
      if (res.isSent()) return;
      res.status(Status.create(status));
      res.send();
    } else {
      send(res, status, detail);
    }
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
    if (status == 503 || status == 507) res.header(HeaderNames.RETRY_AFTER, "1");
    res.send(body);
  }
}
