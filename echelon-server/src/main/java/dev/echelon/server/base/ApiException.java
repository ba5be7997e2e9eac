package dev.echelon.server.base;

/**
 * A refusal the client caused or can act on, carrying the status PROTOCOL.md gives it (400, 404,
 * 409, 413, 503, 507 ...). Every layer throws it; the HTTP layer maps it to {@code {"detail": ...}}
 * in one place.
 */
public final class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, detail);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, detail);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(409, detail);
  }

  public static ApiException tooLarge(String detail) {
    return new ApiException(413, detail);
  }

  public static ApiException unavailable(String detail) {
    return new ApiException(503, detail);
  }

  /** 507 Insufficient Storage: the disk is full; the client may retry once space is freed. */
  public static ApiException storageFull(String detail) {
    return new ApiException(507, detail);
  }
}
