package dev.echelon.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Arrays;
import java.util.List;

/**
 * A JSON value kept as compact single-line UTF-8 bytes. Frames travel through the server this
 * way: parsed once for structure, never turned into an object tree, and safe to put on one SSE
 * {@code data:} line because insignificant whitespace (including newlines) has been removed.
 */
public final class RawJson {
  final byte[] bytes;

  private RawJson(byte[] compactBytes) {
    this.bytes = compactBytes;
  }

  /**
   * Wraps JSON text, dropping whitespace outside strings. The text must already be valid JSON;
   * this does not validate it.
   */
  public static RawJson compact(byte[] json, int offset, int length) {
    byte[] out = new byte[length];
    int n = 0;
    boolean inString = false;
    for (int i = offset, end = offset + length; i < end; i++) {
      byte b = json[i];
      if (inString) {
        out[n++] = b;
        if (b == '\\' && i + 1 < end) {
          out[n++] = json[++i];
        } else if (b == '"') {
          inString = false;
        }
      } else if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        out[n++] = b;
        if (b == '"') inString = true;
      }
    }
    return new RawJson(n == length ? out : Arrays.copyOf(out, n));
  }

  /** Wraps JSON text; see {@link #compact(byte[], int, int)}. */
  public static RawJson compact(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return compact(b, 0, b.length);
  }

  /** Serialises {@code value} (a Jackson tree, Map or POJO) with the protocol's mapper: compact by construction. */
  public static RawJson serialize(Object value) {
    try {
      return new RawJson(Json.mapper().writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise " + value.getClass().getName() + " to JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /**
   * A JSON array of {@code elements[from..to)}. The elements are already compact, so they are
   * joined as they are, without another scan: this is how chunks are packed from frames.
   */
  public static RawJson array(List<RawJson> elements, int from, int to) {
    int size = 2;
    for (int i = from; i < to; i++) size += elements.get(i).bytes.length + 1;
    byte[] out = new byte[Math.max(2, size - (to > from ? 1 : 0))];
    int n = 0;
    out[n++] = '[';
    for (int i = from; i < to; i++) {
      if (i > from) out[n++] = ',';
      byte[] b = elements.get(i).bytes;
      System.arraycopy(b, 0, out, n, b.length);
      n += b.length;
    }
    out[n] = ']';
    return new RawJson(out);
  }

  /** Size in bytes of the compact text. */
  public int size() {
    return bytes.length;
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(bytes);
  }

  /** A copy of the compact bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  @Override public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override public boolean equals(Object o) {
    return o instanceof RawJson r && Arrays.equals(bytes, r.bytes);
  }

  @Override public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
