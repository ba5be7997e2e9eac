package dev.echelon.client;

/**
 * A push or pull that failed in a way the caller can act on: what kind of failure it was (so a
 * trainer knows whether trying again later can help), the HTTP status when the server answered,
 * and the server's {@code detail}.
 */
public final class EchelonException extends RuntimeException {
  /** What went wrong, from the caller's side. */
  public enum Kind {
    /** No answer: the server is down, unreachable, or speaks another protocol. Later may work. */
    UNREACHABLE,
    /** The server answered 5xx, 429 or 408 until the retries ran out. Later may work. */
    UNAVAILABLE,
    /** As sent, it will never succeed: the server refused it (4xx), or the address speaks another scheme. */
    REFUSED,
    /** Given up without a request: the queue was full, the client closed, or the thread interrupted. */
    DROPPED,
    /** A local failure: a file that could not be written. */
    LOCAL
  }

  private final Kind kind;
  private final int status;
  private final String detail;

  /** A failure with an HTTP answer (status 100..599), or none (status 0: {@link Kind#UNREACHABLE}). */
  public EchelonException(int status, String detail) {
    this(kindOf(status), status, detail, null);
  }

  EchelonException(Kind kind, int status, String detail, Throwable cause) {
    super(status == 0 ? detail : "HTTP " + status + ": " + detail, cause);
    this.kind = kind;
    this.status = status;
    this.detail = detail;
  }

  EchelonException(Kind kind, String detail) {
    this(kind, 0, detail, null);
  }

  private static Kind kindOf(int status) {
    if (status == 0) return Kind.UNREACHABLE;
    return status >= 500 || status == 429 || status == 408 ? Kind.UNAVAILABLE : Kind.REFUSED;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether the same request may succeed later (the server or the network may come back). */
  public boolean isRetryable() {
    return kind == Kind.UNREACHABLE || kind == Kind.UNAVAILABLE;
  }

  /** The HTTP status of the server's answer, or 0 when there was none ({@link #kind} says why). */
  public int status() {
    return status;
  }

  /** The server's explanation, or what went wrong on the way. */
  public String detail() {
    return detail;
  }
}
