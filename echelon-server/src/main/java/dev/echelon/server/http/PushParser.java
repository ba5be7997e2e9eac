package dev.echelon.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.echelon.core.Chunk;
import dev.echelon.core.Json;
import dev.echelon.core.RawJson;
import dev.echelon.core.WorldHash;
import dev.echelon.server.base.ApiException;
import dev.echelon.server.log.Payload;
import dev.echelon.server.log.PushedChunk;
import dev.echelon.server.log.ReplaySummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code POST /push} body in one pass of {@link JsonValidator}: the envelope field by field
 * (its small values decoded by Jackson), the frames validated, counted and left where they are,
 * never tokenised. Frames are copied only when they span several lines (an SSE {@code data:} line
 * must be one line); Python's {@code json.dumps} never emits a line break, so the trainer's chunks
 * are never copied here.
 */
final class PushParser {
  /** Largest {@code meta} or {@code run} object: they are kept in memory for every retained replay. */
  static final int MAX_META_BYTES = 16 * 1024;

  private PushParser() {}

  static PushedChunk parse(byte[] body, int maxChunks) {
    BodyLimits.requireUtf8(body);
    JsonValidator json = new JsonValidator(body);
    int p = json.whitespace(0);
    if (p == body.length) throw ApiException.badRequest("empty JSON body");
    if (body[p] != '{') throw invalid("a chunk must be a JSON object, got " + json.kindAt(p));
    String replayId = null;
    String worldRef = null;
    Integer index = null;
    Integer count = null;
    boolean last = false;
    Payload.Slice frames = null;
    int frameCount = 0;
    byte[] meta = null;
    byte[] run = null;
    p = json.whitespace(p + 1);
    boolean more = p < body.length && body[p] != '}';
    while (more) {
      int from = json.member(p);
      String name = text(body, p, json.string(p));
      if (name.equals("frames") && from < body.length && body[from] != '[') {
        throw invalid("frames must be an array, got " + json.kindAt(from));
      }
      int to = json.skipValue(from, 1);
      switch (name) {
        case "replay_id" -> replayId = string(json, body, from, to, name);
        case "world_ref" -> worldRef = string(json, body, from, to, name);
        case "chunk_index" -> index = integer(json, body, from, to, name, maxChunks);
        case "chunk_count" -> count = body[from] == 'n' ? null : integer(json, body, from, to, name, maxChunks);
        case "final" -> {
          if (body[from] == 't' || body[from] == 'f') last = body[from] == 't';
          else if (body[from] != 'n') throw invalid("final must be a boolean, got " + json.kindAt(from));
        }
        case "frames" -> {
          frames = json.lineBreak
              ? Payload.Slice.of(RawJson.compact(body, from, to - from).toByteArray())
              : new Payload.Slice(body, from, to - from);
          frameCount = json.elements;
        }
        case "meta" -> meta = object(json, body, from, to, name);
        case "run" -> run = object(json, body, from, to, name);
        default -> { }
      }
      p = json.whitespace(to);
      if (p < body.length && body[p] == ',') {
        p = json.whitespace(p + 1);
      } else {
        more = false;
      }
    }
    if (p >= body.length || body[p] != '}') throw json.malformed(p, "expected ',' or '}' in the chunk object");
    if (json.whitespace(p + 1) != body.length) {
      throw ApiException.badRequest("malformed JSON: trailing content after the chunk object");
    }
    if (replayId == null) throw invalid("replay_id is required");
    if (worldRef == null) throw invalid("world_ref is required");
    if (index == null) throw invalid("chunk_index is required");
    if (frames == null) throw invalid("frames is required");
    Chunk.requireReplayId("replay_id", replayId);
    if (index < 0) throw invalid("chunk_index must be >= 0, got " + index);
    WorldHash.requireValid("world_ref", worldRef);
    if (count != null) {
      if (count < 1) throw invalid("chunk_count must be >= 1, got " + count);
      if (index >= count) throw invalid("chunk_index must be < chunk_count, got chunk_index=" + index + " chunk_count=" + count);
      if (last && count != index + 1) {
        throw invalid("a final chunk must be the last one, got chunk_index=" + index + " chunk_count=" + count);
      }
    }
    return new PushedChunk(replayId, worldRef, index, count, last, frames, frameCount, meta, run, ReplaySummary.runName(run));
  }

  /** A field name: most are plain ASCII; escaped ones are decoded by Jackson. */
  private static String text(byte[] body, int from, int to) {
    for (int i = from + 1; i < to - 1; i++) {
      if (body[i] == '\\' || body[i] < 0) return decoded(body, from, to);
    }
    return new String(body, from + 1, to - from - 2, StandardCharsets.US_ASCII);
  }

  private static String decoded(byte[] body, int from, int to) {
    try (JsonParser p = token(body, from, to)) {
      return p.getText();
    } catch (IOException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getMessage());
    }
  }

  /** A parser at the one token of a value the scanner has already validated. */
  private static JsonParser token(byte[] body, int from, int to) throws IOException {
    JsonParser p = Json.mapper().createParser(body, from, to - from);
    p.nextToken();
    return p;
  }

  private static String string(JsonValidator json, byte[] body, int from, int to, String name) {
    if (body[from] != '"') throw invalid(name + " must be a string, got " + json.kindAt(from));
    return text(body, from, to);
  }

  private static int integer(JsonValidator json, byte[] body, int from, int to, String name, int max) {
    try (JsonParser p = token(body, from, to)) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw invalid(name + " must be an integer, got " + json.kindAt(from));
      if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() > max) {
        throw ApiException.badRequest(name + " must be at most " + max + " (ECHELON_MAX_CHUNKS), got " + p.getText());
      }
      return p.getIntValue();
    } catch (IOException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getMessage());
    }
  }

  private static byte[] object(JsonValidator json, byte[] body, int from, int to, String name) {
    if (body[from] == 'n') return null;
    if (body[from] != '{') throw invalid(name + " must be an object, got " + json.kindAt(from));
    if (to - from > MAX_META_BYTES) {
      throw ApiException.tooLarge(name + " is " + (to - from) + " bytes; at most " + MAX_META_BYTES
          + " are kept per replay (put bulky data in the frames)");
    }
    try (JsonParser p = token(body, from, to)) {
      return Json.mapper().writeValueAsBytes(Json.readTree(p));
    } catch (IOException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getMessage());
    }
  }

  /** A field of the wrong type or value: 422, as the original server (FastAPI) answers. */
  private static ApiException invalid(String detail) {
    return new ApiException(422, detail);
  }
}
