package dev.echelon.server.http;

import dev.echelon.server.base.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The optional bearer token on write routes; read routes and the viewer stay open on a LAN. */
final class PushAuth {
  private final byte[] token;

  PushAuth(String token) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /** Throws 401 unless the request carries the configured token (or none is configured). */
  void check(ServerRequest req) {
    if (token == null) return;
    java.util.List<String> given = req.headers().all(HeaderNames.AUTHORIZATION, java.util.List::of);
    if (given.size() > 1) throw ApiException.badRequest("send one Authorization header, not " + given.size());
    String header = given.isEmpty() ? "" : given.get(0);
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiException(401, "this server requires Authorization: Bearer <ECHELON_PUSH_TOKEN> to push");
    }
    byte[] presented = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(presented, token)) { // constant time
      throw new ApiException(401, "the bearer token is wrong; use the server's ECHELON_PUSH_TOKEN");
    }
  }
}
