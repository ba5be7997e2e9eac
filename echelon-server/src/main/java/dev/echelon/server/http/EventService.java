package dev.echelon.server.http;

import dev.echelon.server.base.ApiException;
import dev.echelon.core.Chunk;
import dev.echelon.server.base.Metrics;
import dev.echelon.server.live.Cursor;
import dev.echelon.server.live.Viewers;
import dev.echelon.server.log.EventReader;
import dev.echelon.server.log.ReplayLog;
import dev.echelon.server.log.Subscription;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;

/**
 * {@code GET /events}: the live stream for viewers (PROTOCOL.md §3). Each request becomes a
 * {@link Cursor} over the log, written by this request's own thread until the viewer leaves.
 */
final class EventService implements HttpService {
  private final ReplayLog log;
  private final Viewers viewers;
  private final Metrics metrics;

  EventService(ReplayLog log, Viewers viewers, Metrics metrics) {
    this.log = log;
    this.viewers = viewers;
    this.metrics = metrics;
  }

  @Override public void routing(HttpRules rules) {
    rules.get("/", this::stream);
  }

  /**
   * The id to resume after: the {@code Last-Event-ID} header a reconnecting EventSource sends, or
   * {@code ?last_event_id=} for viewers that open a new EventSource themselves.
   */
  static Long lastEventId(ServerRequest req) {
    String v = req.headers().first(HeaderNames.create("Last-Event-ID"))
        .orElse(req.query().first("last_event_id").orElse(null));
    if (v == null || v.isBlank()) return null;
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      return -1L; // unknown id: the viewer gets a resync
    }
  }

  /** {@code ?run=NAME} and {@code ?replay=ID} narrow what a viewer receives. */
  static Subscription filter(ServerRequest req) {
    String run = req.query().first("run").filter(v -> !v.isBlank()).orElse(null);
    String replay = req.query().first("replay").filter(v -> !v.isBlank()).orElse(null);
    if (replay != null) Chunk.requireReplayId("replay", replay);
    if (run != null && run.length() > 512) throw ApiException.badRequest("run name is longer than 512 characters");
    return run == null && replay == null ? Subscription.ALL : new Subscription(run, replay);
  }

  private void stream(ServerRequest req, ServerResponse res) {
    Subscription filter = filter(req);
    boolean gzip = Responses.acceptsGzip(req);
    EventReader reader = log.reader(lastEventId(req), filter);
    Cursor cursor = viewers.connect(filter);
    if (cursor == null) {
      reader.close();
      ErrorMapping.send(res, Status.SERVICE_UNAVAILABLE_503.code(), "the server is shutting down; reconnect shortly");
      return;
    }
    metrics.sseConnections.increment();
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header(HeaderNames.create("X-Accel-Buffering"), "no");
    if (gzip) {
      res.header(HeaderNames.CONTENT_ENCODING, "gzip");
      res.header(HeaderNames.VARY, "Accept-Encoding");
      metrics.sseGzipConnections.increment();
    }
    try (OutputStream out = res.outputStream()) {
      cursor.serve(reader, out, gzip, log.worlds());
    } catch (java.io.IOException | java.io.UncheckedIOException | io.helidon.common.socket.SocketWriterException
        | io.helidon.webserver.ServerConnectionException e) {
      // the viewer went away or was dropped; nothing to answer
    } catch (RuntimeException e) { // not the viewer's doing: say why its stream ended
      System.getLogger(EventService.class.getName()).log(System.Logger.Level.WARNING, "a viewer of " + filter
          + ": its stream ended on an error; it reconnects with Last-Event-ID", e);
    } finally {
      viewers.disconnect(cursor);
      Thread.interrupted(); // do not leak our interrupt into the server's connection handling
    }
  }
}
