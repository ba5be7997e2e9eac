package dev.echelon.nav;

import java.nio.charset.StandardCharsets;

/**
 * A minimal JSON reader over bytes, enough for world documents: navigate objects and arrays,
 * read strings and numbers, skip anything else. Numbers too large for a {@code long} are reported
 * as out of range rather than failing, so callers can apply NAV.md ("walls outside the grid are
 * ignored"). Nesting is capped, so hostile documents fail fast.
 */
final class JsonScanner {
  static final int MAX_DEPTH = 200;
  /** A number that is not an integer, or an integer beyond {@code long}. */
  static final long OUT_OF_RANGE = Long.MIN_VALUE;

  private final byte[] b;
  private int pos;

  JsonScanner(byte[] b) {
    this.b = b;
  }

  int position() {
    return pos;
  }

  void seek(int position) {
    pos = position;
  }

  IllegalArgumentException error(String what) {
    return new IllegalArgumentException("world JSON: " + what + " at byte " + pos);
  }

  byte peek() {
    skipWs();
    if (pos >= b.length) throw error("unexpected end");
    return b[pos];
  }

  boolean atEnd() {
    skipWs();
    return pos >= b.length;
  }

  void expect(char c) {
    if (peek() != c) throw error("expected '" + c + "'");
    pos++;
  }

  /** After '{' or '[': consumes a ',' or the closing bracket; true when another member follows. */
  boolean more(char close) {
    byte c = peek();
    if (c == ',') {
      pos++;
      return true;
    }
    if (c == close) {
      pos++;
      return false;
    }
    throw error("expected ',' or '" + close + "'");
  }

  /** True when the next value is {@code null} (consumed). */
  boolean nullValue() {
    if (peek() == 'n') {
      literal("null");
      return true;
    }
    return false;
  }

  String string() {
    expect('"');
    StringBuilder s = null;
    int start = pos;
    while (true) {
      if (pos >= b.length) throw error("unterminated string");
      byte c = b[pos];
      if (c == '"') {
        String tail = new String(b, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return s == null ? tail : s.append(tail).toString();
      }
      if ((c & 0xff) < 0x20) throw error("control character in a string");
      if (c != '\\') {
        pos++;
        continue;
      }
      if (s == null) s = new StringBuilder();
      s.append(new String(b, start, pos - start, StandardCharsets.UTF_8));
      if (pos + 1 >= b.length) throw error("unterminated escape");
      byte e = b[pos + 1];
      pos += 2;
      switch (e) {
        case '"', '\\', '/' -> s.append((char) e);
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> {
          if (pos + 4 > b.length) throw error("short \\u escape");
          try {
            s.append((char) Integer.parseInt(new String(b, pos, 4, StandardCharsets.US_ASCII), 16));
          } catch (NumberFormatException x) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw error("bad escape");
      }
      start = pos;
    }
  }

  /** An integer value, or {@link #OUT_OF_RANGE} for one beyond {@code long} or any non-integer number. */
  long integer() {
    String t = numberToken();
    boolean integral = t.chars().allMatch(ch -> ch == '-' || ch >= '0' && ch <= '9');
    if (!integral) return OUT_OF_RANGE;
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      return OUT_OF_RANGE;
    }
  }

  double number() {
    String t = numberToken();
    switch (t) {
      case "NaN" -> { return Double.NaN; }
      case "Infinity" -> { return Double.POSITIVE_INFINITY; }
      case "-Infinity" -> { return Double.NEGATIVE_INFINITY; }
      default -> {
        try {
          return Double.parseDouble(t);
        } catch (NumberFormatException e) {
          throw error("bad number " + t);
        }
      }
    }
  }

  boolean isNumber() {
    byte c = peek();
    return c == '-' || c >= '0' && c <= '9' || c == 'N' || c == 'I';
  }

  private String numberToken() {
    if (!isNumber()) throw error("expected a number");
    int start = pos;
    if (b[pos] == '-') pos++;
    if (pos < b.length && (b[pos] == 'I' || b[pos] == 'N')) {
      String word = b[pos] == 'I' ? "Infinity" : "NaN";
      literal(word);
      return new String(b, start, pos - start, StandardCharsets.US_ASCII);
    }
    while (pos < b.length && isNumberByte(b[pos])) pos++;
    if (pos - start > 4000) throw error("number too long");
    return new String(b, start, pos - start, StandardCharsets.US_ASCII);
  }

  private static boolean isNumberByte(byte c) {
    return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  }

  private void literal(String word) {
    for (int i = 0; i < word.length(); i++) {
      if (pos >= b.length || b[pos] != word.charAt(i)) throw error("expected " + word);
      pos++;
    }
  }

  /** Skips one value of any kind. */
  void skip() {
    skip(0);
  }

  private void skip(int depth) {
    if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
    byte c = peek();
    switch (c) {
      case '{' -> {
        pos++;
        if (peek() == '}') {
          pos++;
          return;
        }
        do {
          string();
          expect(':');
          skip(depth + 1);
        } while (more('}'));
      }
      case '[' -> {
        pos++;
        if (peek() == ']') {
          pos++;
          return;
        }
        do {
          skip(depth + 1);
        } while (more(']'));
      }
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> numberToken();
    }
  }

  /** Enters an object; true when it has members (then read keys with {@link #string()} and ':'). */
  boolean openObject() {
    expect('{');
    if (peek() == '}') {
      pos++;
      return false;
    }
    return true;
  }

  /** Enters an array; true when it has elements. */
  boolean openArray() {
    expect('[');
    if (peek() == ']') {
      pos++;
      return false;
    }
    return true;
  }

  private void skipWs() {
    while (pos < b.length) {
      byte c = b[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      pos++;
    }
  }
}
