package dev.echelon.server;

/** Checks {@code ECHELON_PUSH_TOKEN}: a token that can never match, or matches by accident, stops the server. */
final class PushTokens {
  private PushTokens() {}

  /** The token, or null when none is set; throws naming the problem otherwise. */
  static String check(String token) {
    if (token == null) return null;
    if (token.isEmpty()) {
      throw new IllegalArgumentException("ECHELON_PUSH_TOKEN is set but empty; unset it to push without a token,"
          + " or give it a value");
    }
    if (!token.equals(token.strip())) {
      throw new IllegalArgumentException("ECHELON_PUSH_TOKEN has leading or trailing spaces, which an Authorization"
          + " header cannot carry; remove them");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException("ECHELON_PUSH_TOKEN may only hold visible ASCII characters"
            + " (an HTTP header cannot carry others); found a character at position " + i);
      }
    }
    return token;
  }
}
