package dev.echelon.server.log;

import java.util.List;

/**
 * A world as the server keeps it: the trainer's JSON, compacted to one line, and its hash. The
 * bytes are what {@code GET /worlds} returns and what {@code replay_start} carries; the deflated
 * form is made once, on first use, and spliced into every compressed viewer's stream.
 */
public final class StoredWorld {
  private final String hash;
  private final byte[] json;
  private volatile Payload payload;

  public StoredWorld(String hash, byte[] json) {
    this.hash = hash;
    this.json = json;
  }

  /**
   * Checks a pushed world document against the hash its URL names and compacts it: 400 when it is
   * not a world or hashes to something else. Every world store starts here.
   */
  public static StoredWorld validate(String expectedHash, byte[] body) {
    String hash;
    try {
      hash = dev.echelon.core.World.checkedHash(body); // streamed: no tree of 10^5 walls
    } catch (dev.echelon.core.ProtocolException e) {
      throw dev.echelon.server.base.ApiException.badRequest(e.getMessage());
    }
    if (!hash.equals(expectedHash)) {
      throw dev.echelon.server.base.ApiException.badRequest("world hash mismatch: the body hashes to " + hash
          + " but the URL says " + expectedHash + " (hash = sha256 of json.dumps(world, sort_keys=True, "
          + "separators=(',', ':')), first 16 hex digits)");
    }
    return new StoredWorld(hash, dev.echelon.core.RawJson.compact(body, 0, body.length).toByteArray());
  }

  public String hash() {
    return hash;
  }

  /** The compact JSON; do not modify. */
  public byte[] json() {
    return json;
  }

  /** The world as a payload, deflated once. */
  public Payload payload() {
    Payload p = payload;
    if (p == null) {
      synchronized (this) {
        p = payload;
        if (p == null) payload = p = Payload.deflate(List.of(Payload.Slice.of(json)));
      }
    }
    return p;
  }

  /** Heap held: the JSON and, once made, its deflated form. */
  public long weight() {
    Payload p = payload;
    return json.length + (p == null ? json.length / 4 : p.retainedBytes() - json.length);
  }
}
