package dev.echelon.nav;

import java.util.Arrays;

/** A binary min-heap of (double key, int value) pairs in two parallel arrays; no boxing. */
final class DoubleIntHeap {
  private double[] keys;
  private int[] values;
  private int size;

  DoubleIntHeap(int capacity) {
    keys = new double[capacity];
    values = new int[capacity];
  }

  void clear() {
    size = 0;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void push(double key, int value) {
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (keys[p] <= key) break;
      keys[i] = keys[p];
      values[i] = values[p];
      i = p;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** Removes the least pair and returns its value. */
  int popValue() {
    int top = values[0];
    int n = --size;
    if (n > 0) {
      double key = keys[n];
      int value = values[n];
      int i = 0;
      int half = n >>> 1;
      while (i < half) {
        int c = 2 * i + 1;
        int r = c + 1;
        if (r < n && keys[r] < keys[c]) c = r;
        if (key <= keys[c]) break;
        keys[i] = keys[c];
        values[i] = values[c];
        i = c;
      }
      keys[i] = key;
      values[i] = value;
    }
    return top;
  }
}
