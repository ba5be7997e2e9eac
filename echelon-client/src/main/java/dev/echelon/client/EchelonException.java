package dev.echelon.client;

/**
 * A push that failed in a way the caller can act on: the HTTP status (0 when the server could
 * not be reached) and the server's {@code detail}.
 */
public final class EchelonException extends RuntimeException {
  private final int status;
  private final String detail;

  public EchelonException(int status, String detail) {
    super(status == 0 ? detail : "HTTP " + status + ": " + detail);
    this.status = status;
    this.detail = detail;
  }

  EchelonException(String detail, Throwable cause) {
    super(detail, cause);
    this.status = 0;
    this.detail = detail;
  }

  /** The HTTP status, or 0 when no answer was received. */
  public int status() {
    return status;
  }

  /** The server's explanation, or what went wrong on the way. */
  public String detail() {
    return detail;
  }
}
