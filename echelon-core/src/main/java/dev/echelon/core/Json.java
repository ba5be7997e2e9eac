package dev.echelon.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration the protocol is read with: it accepts what Python's {@code json}
 * module accepts ({@code NaN}, {@code Infinity}) so that hashes agree, and caps nesting depth so
 * hostile documents fail fast instead of overflowing the stack.
 */
public final class Json {
  /** Deeper than any real world or frame; hostile nesting beyond it is rejected. */
  public static final int MAX_NESTING_DEPTH = 200;

  private static final ObjectMapper MAPPER = JsonMapper.builder(
          JsonFactory.builder()
              .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
              .streamReadConstraints(StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .maxNumberLength(4000)
                  .maxStringLength(64 * 1024 * 1024)
                  .build())
              .build())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private static final ObjectReader TREE_IN_STREAM =
      MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Reads the value at the parser's current token as a tree, leaving the parser after it. */
  public static JsonNode readTree(JsonParser p) throws IOException {
    JsonNode n = TREE_IN_STREAM.readTree(p);
    return n;
  }

  /** The shared, thread-safe mapper. Do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
