package dev.echelon.server.http;

import io.helidon.http.Headers;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.encoding.ContentEncodingContextConfig;
import java.util.NoSuchElementException;

/**
 * Turns Helidon's own content coding off: every coding is "supported" with a decoder that changes
 * nothing (Helidon refuses a Content-Encoding header outright when decoding is disabled), so
 * request bodies reach {@link BodyLimits} as they came on the wire, where codings are read as RFC 9110 defines them (case-insensitive lists) and every
 * byte, wire and decoded, is counted against the limits. Responses are compressed by
 * {@link Responses} and the event stream by itself.
 */
final class NoContentDecoding implements ContentEncodingContext {
  @Override public boolean contentEncodingEnabled() {
    return false;
  }

  @Override public boolean contentDecodingEnabled() {
    return true;
  }

  @Override public boolean contentEncodingSupported(String encodingId) {
    return false;
  }

  @Override public boolean contentDecodingSupported(String encodingId) {
    return true;
  }

  @Override public ContentEncoder encoder(String encodingId) {
    throw new NoSuchElementException("no content encoders: " + encodingId);
  }

  @Override public ContentDecoder decoder(String encodingId) {
    return ContentDecoder.NO_OP;
  }

  @Override public ContentEncoder encoder(Headers headers) {
    return ContentEncoder.NO_OP;
  }

  @Override public ContentEncodingContextConfig prototype() {
    return ContentEncodingContextConfig.create();
  }
}
