package dev.echelon.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes JSON as Python's {@code json.dumps(doc, sort_keys=True, separators=(",", ":"))} does, as
 * ASCII bytes straight into a stream, so that hashing never builds one giant string. It reads a
 * tree or, for big documents, a token stream: then only objects are held (their canonical fields,
 * to sort them), never a tree, so a world of 10^5 walls costs about its own size in memory.
 */
final class CanonicalJson {
  private static final byte[] HEX = "0123456789abcdef".getBytes();
  private static final byte[] TRUE = "true".getBytes();
  private static final byte[] FALSE = "false".getBytes();
  private static final byte[] NULL = "null".getBytes();

  private final OutputStream out;
  private final byte[] buf = new byte[8192];
  private int len;

  CanonicalJson(OutputStream out) {
    this.out = out;
  }

  void write(JsonNode node) throws IOException {
    value(node);
    flush();
  }

  /** Writes the value at the parser's current token, leaving the parser on its last token. */
  void write(JsonParser p) throws IOException {
    value(p);
    flush();
  }

  private void value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> object(p);
      case START_ARRAY -> {
        put('[');
        boolean first = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (!first) put(',');
          first = false;
          value(p);
        }
        put(']');
      }
      case VALUE_STRING -> string(p.getText());
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) ascii(p.getBigIntegerValue().toString());
        else longValue(p.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> ascii(PythonFloat.repr(p.getDoubleValue()));
      case VALUE_TRUE -> raw(TRUE);
      case VALUE_FALSE -> raw(FALSE);
      case VALUE_NULL -> raw(NULL);
      default -> throw new IllegalArgumentException("not a JSON value: " + t);
    }
  }

  private void object(JsonParser p) throws IOException {
    TreeMap<String, byte[]> fields = new TreeMap<>(CanonicalJson::compareCodePoints); // the last duplicate wins
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      var value = new ByteArrayOutputStream();
      new CanonicalJson(value).write(p);
      fields.put(name, value.toByteArray());
    }
    put('{');
    boolean first = true;
    for (Map.Entry<String, byte[]> f : fields.entrySet()) {
      if (!first) put(',');
      first = false;
      string(f.getKey());
      put(':');
      flushBuffer();
      out.write(f.getValue());
    }
    put('}');
  }

  private void value(JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> object(node);
      case ARRAY -> array(node);
      case STRING -> string(node.textValue());
      case NUMBER -> number(node);
      case BOOLEAN -> raw(node.booleanValue() ? TRUE : FALSE);
      case NULL, MISSING -> raw(NULL);
      default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
    }
  }

  private void object(JsonNode node) throws IOException {
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.size());
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) fields.add(it.next());
    if (fields.size() > 1) fields.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
    put('{');
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) put(',');
      string(fields.get(i).getKey());
      put(':');
      value(fields.get(i).getValue());
    }
    put('}');
  }

  private void array(JsonNode node) throws IOException {
    put('[');
    for (int i = 0, n = node.size(); i < n; i++) {
      if (i > 0) put(',');
      value(node.get(i));
    }
    put(']');
  }

  private void number(JsonNode node) throws IOException {
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong()) longValue(node.longValue());
      else ascii(node.bigIntegerValue().toString());
    } else if (node.isBigDecimal()) {
      ascii(PythonFloat.repr(node.decimalValue().doubleValue()));
    } else {
      ascii(PythonFloat.repr(node.doubleValue()));
    }
  }

  private void longValue(long v) throws IOException {
    if (v >= 0 && v < 10) {
      put((char) ('0' + v));
    } else {
      ascii(Long.toString(v));
    }
  }

  private void string(String s) throws IOException {
    put('"');
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        if (c == '"' || c == '\\') put('\\');
        put(c);
        continue;
      }
      switch (c) {
        case '\n' -> { put('\\'); put('n'); }
        case '\r' -> { put('\\'); put('r'); }
        case '\t' -> { put('\\'); put('t'); }
        case '\b' -> { put('\\'); put('b'); }
        case '\f' -> { put('\\'); put('f'); }
        default -> {
          if (len + 6 > buf.length) flushBuffer();
          buf[len++] = '\\';
          buf[len++] = 'u';
          buf[len++] = HEX[(c >> 12) & 0xf];
          buf[len++] = HEX[(c >> 8) & 0xf];
          buf[len++] = HEX[(c >> 4) & 0xf];
          buf[len++] = HEX[c & 0xf];
        }
      }
    }
    put('"');
  }

  /** Python sorts str keys by code point; String.compareTo sorts by UTF-16 unit. */
  static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x == y) continue;
      if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
        return Integer.compare(a.codePointAt(i), b.codePointAt(i));
      }
      return x - y;
    }
    return a.length() - b.length();
  }

  private void ascii(String s) throws IOException {
    for (int i = 0, n = s.length(); i < n; i++) put(s.charAt(i));
  }

  private void raw(byte[] bytes) throws IOException {
    for (byte b : bytes) put((char) b);
  }

  private void put(char c) throws IOException {
    if (len == buf.length) flushBuffer();
    buf[len++] = (byte) c;
  }

  private void flushBuffer() throws IOException {
    out.write(buf, 0, len);
    len = 0;
  }

  private void flush() throws IOException {
    flushBuffer();
    out.flush();
  }
}
