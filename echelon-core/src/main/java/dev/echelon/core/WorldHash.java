package dev.echelon.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The world hash Python trainers compute: SHA-256 of {@code json.dumps(sort_keys=True,
 * separators=(",", ":"))}, first 16 hex digits. One world hash means one world everywhere, so the
 * server and the SDK can de-duplicate multi-megabyte worlds by a 16-character name.
 */
public final class WorldHash {
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{16}");

  private WorldHash() {}

  /** Hashes a parsed world document. */
  public static String of(JsonNode document) {
    MessageDigest sha = sha256();
    try {
      new CanonicalJson(new DigestSink(sha)).write(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // DigestSink never throws
    }
    return HexFormat.of().formatHex(sha.digest(), 0, 8);
  }

  /**
   * Hashes raw JSON text, parsed as Python's json module would. The text is streamed: no tree is
   * built, so a big world costs about its own size in memory.
   */
  public static String of(byte[] json) {
    MessageDigest sha = sha256();
    try (com.fasterxml.jackson.core.JsonParser p = Json.mapper().createParser(json)) {
      if (p.nextToken() == null) throw new ProtocolException("empty JSON body", true);
      new CanonicalJson(new DigestSink(sha)).write(p);
      if (p.nextToken() != null) throw new ProtocolException("malformed JSON: trailing content after the document", true);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new ProtocolException("malformed JSON: " + e.getOriginalMessage(), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(sha.digest(), 0, 8);
  }

  /** The canonical text itself, for diagnostics and tests. */
  public static String canonical(JsonNode document) {
    var out = new java.io.ByteArrayOutputStream();
    try {
      new CanonicalJson(out).write(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** True when {@code s} has the form of a world hash: 16 lowercase hex digits. */
  public static boolean isValid(String s) {
    return s != null && HASH.matcher(s).matches();
  }

  /** Throws naming {@code field} unless {@code s} has the form of a world hash. */
  public static String requireValid(String field, String s) {
    if (!isValid(s)) {
      throw ProtocolException.invalid(field + " must be 16 lowercase hex digits, got " + Strings.quote(s));
    }
    return s;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  private static final class DigestSink extends OutputStream {
    private final MessageDigest digest;

    DigestSink(MessageDigest digest) {
      this.digest = digest;
    }

    @Override public void write(int b) {
      digest.update((byte) b);
    }

    @Override public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
    }
  }
}
