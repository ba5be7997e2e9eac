package dev.echelon.server.http;

import dev.echelon.core.Json;
import dev.echelon.server.base.ApiException;

/**
 * Finds where JSON values end in a byte array, validating them as strictly as the protocol's
 * Jackson configuration reads them ({@link Json}: RFC 8259 plus Python's {@code NaN} and
 * {@code Infinity}, nesting capped at {@link Json#MAX_NESTING_DEPTH}), but without making tokens:
 * the frames of a pushed chunk are checked and counted at memory speed and never decoded.
 * Malformed input is a 400 naming the byte offset.
 */
final class JsonValidator {
  /** Longest number accepted, as in the protocol's Jackson configuration. */
  static final int MAX_NUMBER_LENGTH = 4000;

  private static final byte PLAIN = 0;
  private static final byte QUOTE = 1;
  private static final byte BACKSLASH = 2;
  private static final byte CONTROL = 3;
  private static final byte NON_ASCII = 4;
  /** What each byte means inside a string. */
  private static final byte[] STRING = new byte[256];

  static {
    for (int c = 0; c < 0x20; c++) STRING[c] = CONTROL;
    for (int c = 0x80; c < 0x100; c++) STRING[c] = NON_ASCII;
    STRING['"'] = QUOTE;
    STRING['\\'] = BACKSLASH;
  }

  private final byte[] b;
  private final int end;
  private final boolean[] isArray = new boolean[Json.MAX_NESTING_DEPTH + 2];
  /** Values directly inside the array last passed to {@link #skipValue}. */
  int elements;
  /** Whether the last skipped value had a CR or LF between its tokens (strings never hold one). */
  boolean lineBreak;

  JsonValidator(byte[] bytes) {
    this.b = bytes;
    this.end = bytes.length;
  }

  /** The first position at or after {@code p} that is not whitespace. */
  int whitespace(int p) {
    while (p < end) {
      byte c = b[p];
      if (c == ' ' || c == '\t') {
        p++;
      } else if (c == '\n' || c == '\r') {
        lineBreak = true;
        p++;
      } else {
        break;
      }
    }
    return p;
  }

  /**
   * Validates the value at {@code p} (no leading whitespace), nested {@code depth} levels deep,
   * and returns the position after it. For an array, {@link #elements} counts its values.
   */
  int skipValue(int p, int depth) {
    final int base = depth;
    elements = 0;
    lineBreak = false;
    boolean countTop = p < end && b[p] == '[';
    while (true) {
      // a value starts at p
      if (p >= end) throw malformed(p, "the input ended where a value was expected");
      int c = b[p];
      boolean closed = false;
      switch (c) {
        case '{', '[' -> {
          if (++depth > Json.MAX_NESTING_DEPTH) {
            throw malformed(p, "nesting deeper than " + Json.MAX_NESTING_DEPTH + " levels");
          }
          boolean array = c == '[';
          isArray[depth] = array;
          p = whitespace(p + 1);
          if (p < end && b[p] == (array ? ']' : '}')) {
            p++;
            depth--;
            closed = true;
          } else if (!array) {
            p = member(p);
          }
          if (!closed) continue;
        }
        case '"' -> p = string(p);
        default -> p = scalar(p);
      }
      // a value ended at p: what follows it in its container
      while (true) {
        if (depth == base) return p;
        if (countTop && depth == base + 1) elements++;
        p = whitespace(p);
        if (p >= end) throw malformed(p, "the input ended inside " + (isArray[depth] ? "an array" : "an object"));
        int next = b[p];
        if (next == ',') {
          p = whitespace(p + 1);
          if (!isArray[depth]) p = member(p);
          break;
        }
        if (next == (isArray[depth] ? ']' : '}')) {
          p++;
          depth--;
          continue;
        }
        throw malformed(p, "expected ',' or '" + (isArray[depth] ? ']' : '}') + "', got " + describe(p));
      }
    }
  }

  /** Checks a member's name and colon at {@code p}; returns where its value starts. */
  int member(int p) {
    if (p >= end || b[p] != '"') throw malformed(p, "expected a field name in double quotes, got " + describe(p));
    p = whitespace(string(p));
    if (p >= end || b[p] != ':') throw malformed(p, "expected ':' after a field name, got " + describe(p));
    return whitespace(p + 1);
  }

  /** Validates the string starting with the quote at {@code p}; returns the position after its closing quote. */
  int string(int p) {
    int start = p++;
    while (true) {
      if (p >= end) throw malformed(start, "a string is not terminated");
      int c = b[p] & 0xff;
      switch (STRING[c]) {
        case PLAIN -> p++;
        case QUOTE -> {
          return p + 1;
        }
        case BACKSLASH -> p = escape(p);
        case CONTROL -> throw malformed(p, "control character 0x" + Integer.toHexString(c) + " in a string (escape it)");
        default -> p = utf8(p, c);
      }
    }
  }

  private int escape(int p) {
    if (p + 1 >= end) throw malformed(p, "a string is not terminated");
    switch (b[p + 1]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return p + 2;
      }
      case 'u' -> {
        for (int i = 2; i < 6; i++) {
          if (p + i >= end || Character.digit(b[p + i], 16) < 0) throw malformed(p, "\\u must be followed by four hex digits");
        }
        return p + 6;
      }
      default -> throw malformed(p, "invalid escape \\" + (char) (b[p + 1] & 0xff));
    }
  }

  /** One well-formed UTF-8 sequence (Unicode table 3-7) whose lead byte {@code c} is at {@code p}. */
  private int utf8(int p, int c) {
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      throw malformed(p, "invalid UTF-8 byte 0x" + Integer.toHexString(c));
    }
    if (p + n >= end) throw malformed(p, "a UTF-8 sequence is cut short");
    int second = b[p + 1] & 0xff;
    if (second < lo || second > hi) throw malformed(p, "invalid UTF-8 sequence");
    for (int i = 2; i <= n; i++) {
      if ((b[p + i] & 0xc0) != 0x80) throw malformed(p, "invalid UTF-8 sequence");
    }
    return p + n + 1;
  }

  /** A number, {@code true}, {@code false}, {@code null}, {@code NaN} or {@code [+-]Infinity}. */
  int scalar(int p) {
    int c = b[p];
    return switch (c) {
      case 't' -> literal(p, "true");
      case 'f' -> literal(p, "false");
      case 'n' -> literal(p, "null");
      case 'N' -> literal(p, "NaN");
      case 'I' -> literal(p, "Infinity");
      case '+' -> literal(p, "+Infinity");
      case '-' -> p + 1 < end && b[p + 1] == 'I' ? literal(p, "-Infinity") : number(p);
      default -> {
        if (c >= '0' && c <= '9') yield number(p);
        throw malformed(p, "expected a value, got " + describe(p));
      }
    };
  }

  private int literal(int p, String word) {
    int n = word.length();
    if (p + n > end) throw malformed(p, "expected " + word);
    for (int i = 0; i < n; i++) if (b[p + i] != word.charAt(i)) throw malformed(p, "expected a value, got " + describe(p));
    if (p + n < end && Character.isLetterOrDigit(b[p + n])) throw malformed(p, "expected a value, got " + describe(p));
    return p + n;
  }

  /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} */
  private int number(int p) {
    int start = p;
    if (b[p] == '-') p++;
    if (p >= end || !digit(b[p])) throw malformed(start, "a number needs a digit after '-'");
    if (b[p] == '0') {
      p++;
      if (p < end && digit(b[p])) throw malformed(start, "leading zeros are not allowed in numbers");
    } else {
      while (p < end && digit(b[p])) p++;
    }
    if (p < end && b[p] == '.') {
      int frac = ++p;
      while (p < end && digit(b[p])) p++;
      if (p == frac) throw malformed(p, "a decimal point must be followed by a digit");
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      if (p < end && (b[p] == '+' || b[p] == '-')) p++;
      int exp = p;
      while (p < end && digit(b[p])) p++;
      if (p == exp) throw malformed(p, "an exponent must have digits");
    }
    if (p - start > MAX_NUMBER_LENGTH) throw malformed(start, "a number longer than " + MAX_NUMBER_LENGTH + " characters");
    return p;
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** What kind of value starts at {@code p}, as error messages name it; checks the first token only. */
  String kindAt(int p) {
    return switch (b[p]) {
      case '{' -> "an object";
      case '[' -> "an array";
      case '"' -> "a string";
      default -> {
        int after = scalar(p);
        yield switch (b[p]) {
          case 't', 'f' -> "a boolean";
          case 'n' -> "null";
          default -> after > p ? "a number" : "a value";
        };
      }
    };
  }

  private String describe(int p) {
    if (p >= end) return "the end of the input";
    int c = b[p] & 0xff;
    return c >= 0x21 && c < 0x7f ? "'" + (char) c + "'" : "byte 0x" + Integer.toHexString(c);
  }

  ApiException malformed(int p, String what) {
    return ApiException.badRequest("malformed JSON at byte " + p + ": " + what);
  }
}
