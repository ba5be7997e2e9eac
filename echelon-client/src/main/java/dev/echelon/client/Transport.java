package dev.echelon.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Gzip;
import dev.echelon.core.Json;
import dev.echelon.core.PushResponse;
import java.io.IOException;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The server's HTTP API with gzip bodies and capped exponential backoff on transient failures. */
final class Transport {
  private static final MediaType JSON = MediaType.get("application/json");

  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final OkHttpClient http;
  private final HttpUrl base;
  private final String token;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Counters counters;
  /** How a backoff is waited out; tests record it instead. */
  Sleeper sleeper = d -> Thread.sleep(d.toMillis());

  Transport(OkHttpClient http, HttpUrl base, String token, int maxAttempts, Duration initialBackoff,
      Duration maxBackoff, Counters counters) {
    this.http = http;
    this.base = base;
    this.token = token;
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.counters = counters;
  }

  HttpUrl base() {
    return base;
  }

  boolean hasWorld(String hash) throws InterruptedException {
    return call(request("worlds/" + hash).head().build(), true).status == 200;
  }

  long putWorld(String hash, byte[] json) throws InterruptedException {
    byte[] body = Gzip.compress(json);
    call(request("worlds/" + hash).header("Content-Encoding", "gzip").put(RequestBody.create(body, JSON)).build(), false);
    return body.length;
  }

  /** Posts a chunk; returns the server's answer and the bytes sent. */
  PushResponse postChunk(byte[] json, long[] sentBytes) throws InterruptedException {
    byte[] body = Gzip.compress(json);
    Answer a = call(request("push").header("Content-Encoding", "gzip").post(RequestBody.create(body, JSON)).build(), false);
    sentBytes[0] += body.length;
    try {
      return Json.mapper().readValue(a.body, PushResponse.class);
    } catch (IOException e) {
      throw new EchelonException(a.status, "unexpected answer from " + base + "push: " + new String(a.body));
    }
  }

  /**
   * Streams the body of {@code GET path} into {@code out}, retrying as {@link #call} does until the
   * first byte is written; returns the bytes written.
   */
  long download(String path, java.io.OutputStream out) throws InterruptedException {
    Request request = request(path).build();
    Duration backoff = initialBackoff;
    String last = null;
    int lastStatus = 0;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) backoff = pause(backoff);
      long written = 0;
      try (Response r = http.newCall(request).execute()) {
        int code = r.code();
        if (code >= 500 || code == 429 || code == 408) {
          last = "HTTP " + code + " " + detail(r.body().bytes());
          lastStatus = code;
          continue;
        }
        if (code >= 300) {
          throw new EchelonException(code, detail(r.body().bytes()) + " (GET " + request.url() + ")");
        }
        byte[] buffer = new byte[1 << 16];
        var in = r.body().byteStream();
        for (int n; (n = in.read(buffer)) > 0; written += n) out.write(buffer, 0, n);
        return written;
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) throw new InterruptedException("interrupted during " + request.url());
        if (written > 0) throw new EchelonException(EchelonException.Kind.UNREACHABLE, "the download of "
            + request.url() + " broke off after " + written + " bytes: " + e.getMessage());
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
        lastStatus = 0;
      }
    }
    throw gaveUp(request, last, lastStatus);
  }

  /** Counts a retry and waits out its backoff; returns the next one (doubled, up to the cap). */
  private Duration pause(Duration backoff) throws InterruptedException {
    counters.retries.increment();
    sleeper.sleep(backoff);
    return backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
  }

  /** The failure once the attempts ran out: unavailable when the last answer was a 5xx, else unreachable. */
  private EchelonException gaveUp(Request request, String last, int lastStatus) {
    return new EchelonException(lastStatus == 0 ? EchelonException.Kind.UNREACHABLE : EchelonException.Kind.UNAVAILABLE,
        "gave up on " + request.method() + " " + request.url() + " after " + maxAttempts + " attempts; last error: "
        + last + ". Is the Echelon server running at " + base + "?");
  }

  private Request.Builder request(String path) {
    Request.Builder b = new Request.Builder().url(base.resolve(path));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return b;
  }

  private record Answer(int status, byte[] body) {}

  /** Runs a request, retrying connection failures, 5xx and 429 with backoff; 4xx fail at once. */
  private Answer call(Request request, boolean notFoundIsAnswer) throws InterruptedException {
    Duration backoff = initialBackoff;
    String last = null;
    int lastStatus = 0;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) backoff = pause(backoff);
      try (Response r = http.newCall(request).execute()) {
        byte[] body = r.body().bytes();
        int code = r.code();
        if (code < 300 || (notFoundIsAnswer && code == 404)) return new Answer(code, body);
        if (code >= 500 || code == 429 || code == 408) {
          last = "HTTP " + code + " " + detail(body);
          lastStatus = code;
          continue;
        }
        throw new EchelonException(code, detail(body) + " (" + request.method() + " " + request.url()
            + (code == 404 ? "; is " + base + " the address of an Echelon server?" : "") + ")");
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) throw new InterruptedException("interrupted during " + request.url());
        String mismatch = protocolMismatch(e);
        if (mismatch != null) throw new EchelonException(EchelonException.Kind.REFUSED, mismatch + " (" + request.method() + " " + request.url() + ")");
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
        lastStatus = 0;
      }
    }
    throw gaveUp(request, last, lastStatus);
  }

  /**
   * A server that answers, but not in the scheme we spoke, is not "down": say so at once rather
   * than retrying. Null for failures worth retrying.
   */
  private String protocolMismatch(IOException e) {
    if (e instanceof javax.net.ssl.SSLException) {
      return "TLS handshake with " + base.host() + ":" + base.port() + " failed (" + e.getMessage() + "): the server"
          + " there does not speak https; try " + base.newBuilder().scheme("http").build();
    }
    if (e instanceof java.net.ProtocolException && String.valueOf(e.getMessage()).startsWith("Unexpected status line")) {
      return "the server at " + base.host() + ":" + base.port() + " did not answer in plain HTTP; if it uses TLS,"
          + " try " + base.newBuilder().scheme("https").build();
    }
    return null;
  }

  private static String detail(byte[] body) {
    try {
      JsonNode n = Json.mapper().readTree(body);
      if (n != null && n.hasNonNull("detail")) return n.get("detail").asText();
    } catch (IOException ignored) {
      // not JSON: use the text
    }
    String s = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
