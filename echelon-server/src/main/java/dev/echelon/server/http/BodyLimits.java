package dev.echelon.server.http;

import dev.echelon.server.base.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads request bodies within their limits: {@code wire} bytes on the wire, whatever the framing
 * or coding, {@code decoded} once decoded (whether it came gzipped or not), and all bodies in
 * memory at once within the {@link InflightBudget}. Each limit names its setting in the 413.
 * Content codings are read as RFC 9110 says (a case-insensitive list; {@code identity} and
 * {@code gzip}); framing errors and truncated bodies are 400s.
 */
final class BodyLimits {
  /** A limit in bytes and the setting that sets it, named when it is exceeded. */
  record Limit(long bytes, String setting) {
    /** The tighter of two limits. */
    Limit min(Limit other) {
      return other.bytes < bytes ? other : this;
    }
  }

  private final Limit wire;
  private final Limit decoded;
  private final InflightBudget budget;
  private final UploadWatch watch;

  BodyLimits(Limit wire, Limit decoded, InflightBudget budget, UploadWatch watch) {
    this.wire = wire;
    this.decoded = decoded;
    this.budget = budget;
    this.watch = watch;
  }

  /** A body read into memory; closing it returns its bytes to the in-flight budget. */
  record Body(byte[] bytes, long wireBytes, InflightBudget.Lease lease) implements AutoCloseable {
    @Override public void close() {
      lease.close();
    }
  }

  /** The decoded body; 413 over a limit, 415 for an unknown coding, 503 when too much is in flight. */
  Body read(ServerRequest req) {
    long declared = req.headers().contentLength().orElse(-1);
    int gzipLayers = gzipLayers(req.headers().values(HeaderNames.CONTENT_ENCODING));
    Limit first = gzipLayers == 0 ? wire.min(decoded) : wire; // unencoded, the body on the wire is the decoded one
    if (declared > first.bytes()) {
      throw ApiException.tooLarge("the request body is " + declared + " bytes, above " + first.bytes() + " ("
          + first.setting() + "); send less in one request");
    }
    if (!req.content().hasEntity()) throw ApiException.badRequest("a JSON request body is required");
    InflightBudget.Lease lease = budget.lease(declared > 0 && gzipLayers == 0 ? declared : 0);
    UploadWatch.Upload upload = watch.start();
    try {
      Counting onWire = new Counting(req.content().inputStream(), first, lease, upload);
      InputStream in = onWire;
      for (int i = 0; i < gzipLayers; i++) in = new GZIPInputStream(in, 64 * 1024);
      if (gzipLayers > 0) in = new Counting(in, decoded, lease, upload);
      byte[] bytes = declared > 0 && gzipLayers == 0 ? readFully(in, (int) declared) : in.readAllBytes();
      if (declared > 0 && onWire.count < declared) {
        throw ApiException.badRequest("the request body ended after " + onWire.count + " of its " + declared
            + " bytes (Content-Length)");
      }
      return new Body(bytes, onWire.count, lease);
    } catch (ApiException e) {
      lease.close();
      throw e;
    } catch (ZipException | EOFException e) {
      lease.close();
      throw ApiException.badRequest("the gzip request body is corrupt or truncated: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      lease.close();
      if (upload.timedOut) {
        Thread.interrupted();
        throw new ApiException(408, "the request body stopped arriving (ECHELON_REQUEST_TIMEOUT_S)");
      }
      throw ApiException.badRequest("the request body is malformed or ended early; check its Content-Length or"
          + " chunked framing");
    } finally {
      upload.close();
    }
  }

  /** Reads into one array of the declared size (readNBytes would gather pieces and copy them again). */
  private static byte[] readFully(InputStream in, int length) throws IOException {
    byte[] bytes = new byte[length];
    int n = 0;
    while (n < length) {
      int k = in.read(bytes, n, length - n);
      if (k < 0) break;
      n += k;
    }
    return bytes;
  }

  /** Gzip layers to undo: codings are applied in the listed order and undone in reverse. */
  static int gzipLayers(Iterable<String> headerValues) {
    int gzip = 0;
    for (String value : headerValues) {
      for (String coding : value.split(",")) {
        String c = coding.strip().toLowerCase(Locale.ROOT);
        switch (c) {
          case "", "identity" -> { }
          case "gzip", "x-gzip" -> gzip++;
          default -> throw new ApiException(415, "unsupported Content-Encoding \"" + coding.strip()
              + "\"; send gzip or no encoding");
        }
      }
    }
    if (gzip > 2) throw new ApiException(415, "at most two gzip layers are decoded, got " + gzip);
    return gzip;
  }

  /** Bodies must be UTF-8 JSON (RFC 8259 §8.1): UTF-16 and UTF-32, with or without a BOM, are refused. */
  static void requireUtf8(byte[] body) {
    boolean utf16or32 = body.length >= 2 && (body[0] == 0 || body[1] == 0
        || (body[0] & 0xff) == 0xfe && (body[1] & 0xff) == 0xff || (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xfe);
    if (utf16or32) throw ApiException.badRequest("the request body must be UTF-8 JSON (it looks like UTF-16 or UTF-32)");
  }

  /** Counts what passes and throws 413 past the limit, taking the bytes from the in-flight budget. */
  private static final class Counting extends FilterInputStream {
    private final Limit limit;
    private final InflightBudget.Lease lease;
    private final UploadWatch.Upload upload;
    long count;

    Counting(InputStream in, Limit limit, InflightBudget.Lease lease, UploadWatch.Upload upload) {
      super(in);
      this.limit = limit;
      this.lease = lease;
      this.upload = upload;
    }

    @Override public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        upload.progress();
        count += n;
        if (count > limit.bytes()) {
          throw ApiException.tooLarge("the request body exceeds " + limit.bytes() + " bytes (" + limit.setting()
              + "); send less in one request");
        }
        lease.grow(count);
      }
      return n;
    }
  }
}
