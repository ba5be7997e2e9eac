package dev.echelon.server.http;

import dev.echelon.server.base.ApiException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.echelon.core.Chunk;
import dev.echelon.server.log.ReplayCatalog;
import dev.echelon.server.log.Payload;
import dev.echelon.server.log.ReplayLog;
import dev.echelon.server.log.ReplaySummary;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.http.HeaderNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code /replays}: the archive, newest first, for the viewer's library and for scripts. Reads an
 * immutable snapshot of the log: never waits for a push.
 */
final class ReplayService implements HttpService {
  private static final Pattern INDEX = Pattern.compile("0|[1-9][0-9]{0,9}");

  private static final System.Logger LOG = System.getLogger(ReplayService.class.getName());

  private final ReplayLog log;

  ReplayService(ReplayLog log) {
    this.log = log;
  }

  @Override public void routing(HttpRules rules) {
    rules.get("/", this::list).get("/{id}", this::one).get("/{id}/chunks/{index}", this::chunk)
        .get("/{id}/file", this::file);
  }

  private void list(ServerRequest req, ServerResponse res) {
    ReplayQuery query = ReplayQuery.from(req, 50);
    Double before = req.query().first("before").map(v -> number("before", v)).orElse(null);
    String beforeId = req.query().first("before_id").orElse(null);
    if (beforeId != null && !Chunk.isValidReplayId(beforeId)) {
      throw ApiException.badRequest("before_id must be a replay id (1..64 of [A-Za-z0-9_-]), got \"" + beforeId + "\"");
    }
    ReplayCatalog catalog = log.catalog();
    List<ReplaySummary> page = query.page(catalog, before, beforeId);
    double now = ReplayJson.now();
    Responses.json(req, res, write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("replays");
      for (ReplaySummary r : page) {
        g.writeStartObject();
        ReplayJson.fields(g, r, now);
        g.writeEndObject();
      }
      g.writeEndArray();
      if (page.size() == query.limit()) {
        ReplaySummary last = page.get(page.size() - 1);
        g.writeStringField("next_cursor", ReplayQuery.Cursor.of(query.sort(), last).token());
        g.writeNumberField("next_before", last.startedAt());
        g.writeStringField("next_before_id", last.replayId());
      } else {
        g.writeNullField("next_cursor");
        g.writeNullField("next_before");
        g.writeNullField("next_before_id");
      }
      g.writeNumberField("total", catalog.size());
      g.writeEndObject();
    }));
  }

  private void one(ServerRequest req, ServerResponse res) {
    String id = id(req);
    ReplaySummary r = log.catalog().find(id)
        .orElseThrow(() -> ApiException.notFound("replay " + id + " is not in the archive"));
    List<Integer> received = log.chunkIndices(id);
    Responses.json(req, res, write(g -> {
      g.writeStartObject();
      ReplayJson.fields(g, r, ReplayJson.now(), true);
      g.writeArrayFieldStart("received");
      for (int i : received) g.writeNumber(i);
      g.writeEndArray();
      g.writeEndObject();
    }));
  }

  private void chunk(ServerRequest req, ServerResponse res) {
    String id = id(req);
    String raw = req.path().pathParameters().get("index");
    if (!INDEX.matcher(raw).matches() || Long.parseLong(raw) > Integer.MAX_VALUE) {
      throw ApiException.badRequest("chunk index must be a non-negative integer, got \"" + raw + "\"");
    }
    int index = Integer.parseInt(raw);
    Payload p = log.chunk(id, index)
        .orElseThrow(() -> ApiException.notFound("replay " + id + " has no stored chunk " + index));
    // streamed as it is stored (checked before the first byte), never assembled in memory: a client
    // that reads slowly, or not at all, holds a write buffer, not the chunk
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    boolean gzip = Responses.acceptsGzip(req);
    if (gzip) {
      res.header(HeaderNames.CONTENT_ENCODING, "gzip");
      res.header(HeaderNames.VARY, "Accept-Encoding");
    } else {
      res.contentLength(p.plainLength());
    }
    try (OutputStream out = res.outputStream()) {
      if (gzip) p.writeGzip(out);
      else p.writePlain(out);
    } catch (IOException e) {
      // the answer was under way: the client left, or the disk failed mid-read; either way the connection is cut
      LOG.log(System.Logger.Level.INFO, "chunk " + index + " of replay " + id + " was cut short: " + e.getMessage());
    }
  }

  /** The replay as the simulator's own gzipped file ({@link ReplayDownload}). */
  private void file(ServerRequest req, ServerResponse res) {
    String id = id(req);
    ReplaySummary r = log.catalog().find(id)
        .orElseThrow(() -> ApiException.notFound("replay " + id + " is not in the archive"));
    var world = log.worlds().find(r.worldRef()).orElseThrow(() -> ApiException.notFound("the world " + r.worldRef()
        + " of replay " + id + " is not stored; PUT it at /worlds/" + r.worldRef() + " again"));
    List<Integer> chunks = log.chunkIndices(id);
    res.header(HeaderNames.CONTENT_TYPE, "application/gzip");
    res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + ReplayDownload.fileName(id) + "\"");
    res.header("X-Echelon-Chunks", chunks.size() + "/" + (r.chunkCount() == null ? "?" : r.chunkCount()));
    try (OutputStream out = res.outputStream()) {
      ReplayDownload.write(log, id, world, chunks, out);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.INFO, "the file of replay " + id + " was cut short: " + e.getMessage());
    }
  }

  interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  static byte[] write(Writer w) {
    var out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = ReplayJson.generator(out)) {
      w.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String id(ServerRequest req) {
    String id = req.path().pathParameters().get("id");
    if (!Chunk.isValidReplayId(id)) {
      throw ApiException.badRequest("replay id must be 1..64 of [A-Za-z0-9_-], got \"" + id + "\"");
    }
    return id;
  }

  private static double number(String name, String v) {
    try {
      double d = Double.parseDouble(v);
      if (!Double.isFinite(d)) throw new NumberFormatException();
      return d;
    } catch (NumberFormatException | NullPointerException e) {
      throw ApiException.badRequest(name + " must be a number, got \"" + v + "\"");
    }
  }
}
