package dev.echelon.server;

import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Decodes {@code Content-Encoding: gzip} request bodies, counting decoded bytes so that a gzip
 * bomb is answered with 413 long before it can fill the heap.
 */
final class GzipDecoding implements ContentEncoding {
  private final long maxBodyBytes;
  private final long maxDecodedBytes;

  GzipDecoding(long maxBodyBytes, long maxDecodedBytes) {
    this.maxBodyBytes = maxBodyBytes;
    this.maxDecodedBytes = maxDecodedBytes;
  }

  @Override public Set<String> ids() {
    return Set.of("gzip", "x-gzip");
  }

  @Override public boolean supportsEncoding() {
    return false;
  }

  @Override public boolean supportsDecoding() {
    return true;
  }

  @Override public ContentDecoder decoder() {
    return in -> {
      try {
        InputStream wire = new Limited(in, maxBodyBytes, "ECHELON_MAX_BODY_BYTES");
        return new Limited(new GZIPInputStream(wire, 64 * 1024), maxDecodedBytes, "ECHELON_MAX_DECODED_BYTES");
      } catch (IOException e) {
        throw ApiException.badRequest("the gzip request body is not valid gzip: " + e.getMessage());
      }
    };
  }

  /** Encodings a client might send that we do not decode: answered with a JSON 415, not a bare 400. */
  static final class Unsupported implements ContentEncoding {
    @Override public Set<String> ids() {
      return Set.of("br", "deflate", "compress", "zstd", "x-compress");
    }

    @Override public boolean supportsEncoding() {
      return false;
    }

    @Override public boolean supportsDecoding() {
      return true;
    }

    @Override public ContentDecoder decoder() {
      return in -> {
        throw new ApiException(415, "unsupported Content-Encoding; send gzip or no encoding");
      };
    }

    @Override public ContentEncoder encoder() {
      return ContentEncoder.NO_OP;
    }

    @Override public String name() {
      return "unsupported";
    }

    @Override public String type() {
      return "unsupported";
    }
  }

  @Override public ContentEncoder encoder() {
    return ContentEncoder.NO_OP;
  }

  @Override public String name() {
    return "gzip";
  }

  @Override public String type() {
    return "gzip";
  }

  /** Throws 413 once more than {@code limit} bytes were read; turns corrupt gzip into 400. */
  static final class Limited extends FilterInputStream {
    private final long limit;
    private final String setting;
    private long count;

    Limited(InputStream in, long limit, String setting) {
      super(in);
      this.limit = limit;
      this.setting = setting;
    }

    @Override public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(b, off, len);
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        throw ApiException.badRequest("the gzip request body is corrupt or truncated: " + e.getMessage());
      }
      if (n > 0) {
        count += n;
        if (count > limit) {
          throw ApiException.tooLarge("the request body exceeds " + limit + " bytes (" + setting
              + "); send smaller chunks");
        }
      }
      return n;
    }

    @Override public long skip(long n) throws IOException {
      return super.skip(n);
    }
  }

  /** Reads a whole request body, enforcing {@code limit} on what is read. */
  static byte[] readAll(InputStream in, long limit, String setting) {
    try (InputStream s = new Limited(in, limit, setting)) {
      return s.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
