package dev.echelon.core;

/** Renders offending values into error messages without flooding logs. */
final class Strings {
  private static final int MAX = 80;

  private Strings() {}

  static String quote(Object value) {
    if (value == null) return "null";
    String s = value.toString();
    if (s.length() > MAX) s = s.substring(0, MAX) + "...(" + s.length() + " chars)";
    return value instanceof String ? "\"" + s + "\"" : s;
  }
}
