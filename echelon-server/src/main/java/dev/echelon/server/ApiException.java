package dev.echelon.server;

/** An error the client caused or can act on; mapped to {@code {"detail": ...}} with its status. */
final class ApiException extends RuntimeException {
  private final int status;

  ApiException(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }

  static ApiException badRequest(String detail) {
    return new ApiException(400, detail);
  }

  static ApiException notFound(String detail) {
    return new ApiException(404, detail);
  }

  static ApiException tooLarge(String detail) {
    return new ApiException(413, detail);
  }
}
