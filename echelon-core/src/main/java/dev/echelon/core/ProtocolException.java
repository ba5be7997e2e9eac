package dev.echelon.core;

/**
 * A payload that breaks the protocol. {@link #malformed()} separates text that is not JSON at all
 * (HTTP 400) from JSON whose fields are wrong (HTTP 422), so the server can answer precisely.
 */
public final class ProtocolException extends IllegalArgumentException {
  private final boolean malformed;

  public ProtocolException(String message, boolean malformed) {
    super(message);
    this.malformed = malformed;
  }

  /** True when the body is not parseable JSON; false when a field is missing or wrong. */
  public boolean malformed() {
    return malformed;
  }

  static ProtocolException invalid(String message) {
    return new ProtocolException(message, false);
  }
}
