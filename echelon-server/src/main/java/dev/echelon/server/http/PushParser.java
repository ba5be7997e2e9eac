package dev.echelon.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Chunk;
import dev.echelon.core.Json;
import dev.echelon.core.RawJson;
import dev.echelon.core.WorldHash;
import dev.echelon.server.base.ApiException;
import dev.echelon.server.log.Payload;
import dev.echelon.server.log.PushedChunk;
import dev.echelon.server.log.ReplaySummary;
import java.io.IOException;

/**
 * Reads a {@code POST /push} body in one scan: the envelope field by field, the frames located by
 * byte offsets and left where they are. Frames are copied only when they span several lines (an
 * SSE {@code data:} line must be one line); Python's {@code json.dumps} never emits a line break,
 * so the trainer's chunks are never copied here.
 */
final class PushParser {
  /** Largest {@code meta} or {@code run} object: they are kept in memory for every retained replay. */
  static final int MAX_META_BYTES = 16 * 1024;

  private PushParser() {}

  static PushedChunk parse(byte[] body, int maxChunks) {
    BodyLimits.requireUtf8(body);
    try (JsonParser p = Json.mapper().createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == null) throw ApiException.badRequest("empty JSON body");
      if (first != JsonToken.START_OBJECT) throw invalid("a chunk must be a JSON object, got " + describe(first));
      String replayId = null;
      String worldRef = null;
      Integer index = null;
      Integer count = null;
      boolean last = false;
      Payload.Slice frames = null;
      int frameCount = 0;
      byte[] meta = null;
      byte[] run = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "replay_id" -> replayId = string(p, t, name);
          case "world_ref" -> worldRef = string(p, t, name);
          case "chunk_index" -> index = integer(p, t, name, maxChunks);
          case "chunk_count" -> count = t == JsonToken.VALUE_NULL ? null : integer(p, t, name, maxChunks);
          case "final" -> {
            if (t.isBoolean()) last = t == JsonToken.VALUE_TRUE;
            else if (t != JsonToken.VALUE_NULL) throw invalid("final must be a boolean, got " + describe(t));
          }
          case "frames" -> {
            if (t != JsonToken.START_ARRAY) throw invalid("frames must be an array, got " + describe(t));
            JsonLocation start = p.currentTokenLocation();
            int n = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
              p.skipChildren();
              n++;
            }
            JsonLocation end = p.currentLocation();
            int from = (int) start.getByteOffset();
            int length = (int) (end.getByteOffset() - start.getByteOffset());
            frames = start.getLineNr() == end.getLineNr()
                ? new Payload.Slice(body, from, length)
                : Payload.Slice.of(RawJson.compact(body, from, length).toByteArray());
            frameCount = n;
          }
          case "meta" -> meta = object(p, t, name);
          case "run" -> run = object(p, t, name);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
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
    } catch (JacksonException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("unreadable JSON: " + e.getMessage());
    }
  }

  private static byte[] object(JsonParser p, JsonToken t, String name) throws IOException {
    if (t == JsonToken.VALUE_NULL) return null;
    if (t != JsonToken.START_OBJECT) throw invalid(name + " must be an object, got " + describe(t));
    long from = p.currentTokenLocation().getByteOffset();
    JsonNode tree = Json.readTree(p);
    long size = p.currentLocation().getByteOffset() - from;
    if (size > MAX_META_BYTES) {
      throw ApiException.tooLarge(name + " is " + size + " bytes; at most " + MAX_META_BYTES
          + " are kept per replay (put bulky data in the frames)");
    }
    return Json.mapper().writeValueAsBytes(tree);
  }

  private static String string(JsonParser p, JsonToken t, String name) throws IOException {
    if (t != JsonToken.VALUE_STRING) throw invalid(name + " must be a string, got " + describe(t));
    return p.getText();
  }

  private static int integer(JsonParser p, JsonToken t, String name, int max) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) throw invalid(name + " must be an integer, got " + describe(t));
    if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() > max) {
      throw ApiException.badRequest(name + " must be at most " + max + " (ECHELON_MAX_CHUNKS), got " + p.getText());
    }
    return p.getIntValue();
  }

  /** A field of the wrong type or value: 422, as the original server (FastAPI) answers. */
  private static ApiException invalid(String detail) {
    return new ApiException(422, detail);
  }

  static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }
}
