package dev.echelon.core;

/** Formats a double exactly as Python's {@code repr(float)}. */
final class PythonFloat {
  private PythonFloat() {}

  static String repr(double value) {
    if (Double.isNaN(value)) return "NaN";
    if (Double.isInfinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    if (value == 0) return (Double.doubleToRawLongBits(value) < 0) ? "-0.0" : "0.0";
    // Since JDK 19 Double.toString yields the shortest digits that round-trip, like Python.
    String java = Double.toString(Math.abs(value));
    StringBuilder digits = new StringBuilder(20);
    int pointPos = -1; // number of digits before the decimal point, in the Java form
    int exponent = 0;
    int ePos = java.indexOf('E');
    String mantissa = ePos >= 0 ? java.substring(0, ePos) : java;
    if (ePos >= 0) exponent = Integer.parseInt(java.substring(ePos + 1));
    for (int i = 0; i < mantissa.length(); i++) {
      char c = mantissa.charAt(i);
      if (c == '.') pointPos = digits.length();
      else digits.append(c);
    }
    if (pointPos < 0) pointPos = digits.length();
    // Strip leading zeros (e.g. "0.001") and trailing zeros (e.g. "100.0").
    int lead = 0;
    while (lead < digits.length() - 1 && digits.charAt(lead) == '0') lead++;
    int decimalExponent = pointPos - lead + exponent; // value = 0.DIGITS * 10^decimalExponent
    digits.delete(0, lead);
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') end--;
    digits.setLength(end);
    int exp10 = decimalExponent - 1; // value = D.DDD * 10^exp10
    if (digits.length() == 2) {
      // Java prints at least two digits where one may round-trip (4.9E-324 vs Python's 5e-324).
      int one = (digits.charAt(0) - '0') + (digits.charAt(1) >= '5' ? 1 : 0);
      int e = exp10;
      if (one == 10) {
        one = 1;
        e++;
      }
      if (Double.parseDouble(one + "e" + e) == Math.abs(value)) {
        digits.setLength(0);
        digits.append(one);
        exp10 = e;
      }
    }
    StringBuilder out = new StringBuilder(26);
    if (value < 0) out.append('-');
    if (exp10 >= -4 && exp10 < 16) {
      if (exp10 < 0) {
        out.append("0.");
        for (int i = -1; i > exp10; i--) out.append('0');
        out.append(digits);
      } else if (digits.length() <= exp10 + 1) {
        out.append(digits);
        for (int i = digits.length(); i <= exp10; i++) out.append('0');
        out.append(".0");
      } else {
        out.append(digits, 0, exp10 + 1).append('.').append(digits, exp10 + 1, digits.length());
      }
    } else {
      out.append(digits.charAt(0));
      if (digits.length() > 1) out.append('.').append(digits, 1, digits.length());
      out.append('e').append(exp10 < 0 ? '-' : '+');
      int abs = Math.abs(exp10);
      if (abs < 10) out.append('0');
      out.append(abs);
    }
    return out.toString();
  }
}
