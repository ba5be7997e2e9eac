package dev.echelon.core;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Reads and writes chunk JSON with a streaming parser: the envelope is decoded field by field and
 * the frames array is located by byte offsets and copied, so a 2 MB chunk costs one token scan
 * and one copy, never a tree of thousands of frame objects.
 */
public final class ChunkCodec {
  private ChunkCodec() {}

  /** Decodes a chunk; throws {@link ProtocolException} naming the offending field. */
  public static Chunk read(byte[] json) {
    try (JsonParser p = Json.mapper().createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) throw new ProtocolException("empty JSON body", true);
      if (first != JsonToken.START_OBJECT) {
        throw ProtocolException.invalid("chunk must be a JSON object, got " + describe(first));
      }
      String replayId = null;
      String worldRef = null;
      Integer chunkIndex = null;
      Integer chunkCount = null;
      boolean last = false;
      RawJson frames = null;
      int frameCount = 0;
      JsonNode meta = null;
      JsonNode run = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "replay_id" -> replayId = string(p, t, name);
          case "world_ref" -> worldRef = string(p, t, name);
          case "chunk_index" -> chunkIndex = integer(p, t, name);
          case "chunk_count" -> chunkCount = t == JsonToken.VALUE_NULL ? null : integer(p, t, name);
          case "final" -> {
            if (t == JsonToken.VALUE_NULL) last = false;
            else if (t.isBoolean()) last = t == JsonToken.VALUE_TRUE;
            else throw wrongType(name, "a boolean", t);
          }
          case "frames" -> {
            if (t != JsonToken.START_ARRAY) throw wrongType(name, "an array", t);
            long start = p.currentTokenLocation().getByteOffset();
            int count = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
              p.skipChildren();
              count++;
            }
            long end = p.currentLocation().getByteOffset();
            frames = RawJson.compact(json, (int) start, (int) (end - start));
            frameCount = count;
          }
          case "meta" -> meta = Json.readTree(p);
          case "run" -> run = Json.readTree(p);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new ProtocolException("malformed JSON: trailing content after the chunk object", true);
      }
      if (replayId == null) throw missing("replay_id");
      if (worldRef == null) throw missing("world_ref");
      if (chunkIndex == null) throw missing("chunk_index");
      if (frames == null) throw missing("frames");
      return new Chunk(replayId, worldRef, chunkIndex, chunkCount, last, frames, frameCount, meta, run);
    } catch (JacksonException e) {
      throw new ProtocolException("malformed JSON: " + e.getOriginalMessage(), true);
    } catch (IOException e) {
      throw new ProtocolException("unreadable JSON: " + e.getMessage(), true);
    }
  }

  /** Encodes a chunk as compact JSON (the wire format of {@code POST /push}). */
  public static byte[] write(Chunk chunk) {
    var out = new ByteArrayOutputStream(chunk.frames().size() + 256);
    try {
      write(chunk, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Streams a chunk as compact JSON. */
  public static void write(Chunk chunk, OutputStream out) throws IOException {
    out.write("{\"frames\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    chunk.frames().writeTo(out);
    out.write(',');
    var head = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.mapper().createGenerator(head)) {
      g.writeStartObject();
      g.writeStringField("replay_id", chunk.replayId());
      g.writeStringField("world_ref", chunk.worldRef());
      g.writeNumberField("chunk_index", chunk.chunkIndex());
      if (chunk.chunkCount() == null) g.writeNullField("chunk_count");
      else g.writeNumberField("chunk_count", chunk.chunkCount());
      if (chunk.last()) g.writeBooleanField("final", true);
      if (chunk.meta() != null) {
        g.writeFieldName("meta");
        g.writeTree(chunk.meta());
      }
      if (chunk.run() != null) {
        g.writeFieldName("run");
        g.writeTree(chunk.run());
      }
      g.writeEndObject();
    }
    byte[] h = head.toByteArray();
    out.write(h, 1, h.length - 1); // drop the generator's opening brace
  }

  private static String string(JsonParser p, JsonToken t, String name) throws IOException {
    if (t != JsonToken.VALUE_STRING) throw wrongType(name, "a string", t);
    return p.getText();
  }

  private static int integer(JsonParser p, JsonToken t, String name) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) throw wrongType(name, "an integer", t);
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      throw ProtocolException.invalid(name + " is out of range, got " + Strings.quote(p.getText()));
    }
    return p.getIntValue();
  }

  private static ProtocolException wrongType(String name, String expected, JsonToken t) {
    return ProtocolException.invalid(name + " must be " + expected + ", got " + describe(t));
  }

  private static ProtocolException missing(String name) {
    return ProtocolException.invalid(name + " is required");
  }

  private static String describe(JsonToken t) {
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
