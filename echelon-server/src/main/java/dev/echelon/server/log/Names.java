package dev.echelon.server.log;

import java.nio.charset.StandardCharsets;

/**
 * Mech ids, team names and event types recur in every frame and every chunk: this keeps one String
 * of each short ASCII name it has seen (a small table, the last one per slot), so reading them
 * allocates nothing after the first. Not thread-safe: one per reader or per thread.
 */
final class Names {
  private final String[] table;

  /** @param slots a power of two */
  Names(int slots) {
    table = new String[slots];
  }

  /** The UTF-8 text in {@code b[from, to)}. */
  String get(byte[] b, int from, int to) {
    int n = to - from;
    int h = n;
    for (int i = from; i < to; i++) h = 31 * h + b[i];
    int slot = h & (table.length - 1);
    String s = table[slot];
    if (s != null && s.length() == n) {
      boolean same = true;
      for (int i = 0; i < n && same; i++) same = s.charAt(i) == b[from + i];
      if (same) return s;
    }
    s = new String(b, from, n, StandardCharsets.UTF_8);
    if (s.length() == n) table[slot] = s; // ASCII only: compared byte for char above
    return s;
  }
}
