package dev.echelon.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * How much a request body may be: {@code maxBody} bytes on the wire (checked against
 * Content-Length before reading, and counted while reading) and {@code maxDecoded} after gzip.
 */
record BodyLimits(long maxBody, long maxDecoded) {
  /** The decoded body; 413 with a JSON detail when a limit is crossed. */
  byte[] read(ServerRequest req) {
    long declared = req.headers().contentLength().orElse(-1);
    if (declared > maxBody) {
      throw ApiException.tooLarge("the request body is " + declared + " bytes, above " + maxBody
          + " (ECHELON_MAX_BODY_BYTES); send smaller chunks");
    }
    if (!req.content().hasEntity()) throw ApiException.badRequest("a JSON request body is required");
    boolean encoded = req.headers().first(HeaderNames.CONTENT_ENCODING).isPresent();
    return encoded
        ? GzipDecoding.readAll(req.content().inputStream(), maxDecoded, "ECHELON_MAX_DECODED_BYTES")
        : GzipDecoding.readAll(req.content().inputStream(), Math.min(maxBody, maxDecoded), "ECHELON_MAX_BODY_BYTES");
  }
}
