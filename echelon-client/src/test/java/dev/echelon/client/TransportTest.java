package dev.echelon.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK's HTTP transport against a scripted server: retries, backoff and what a failure says. */
class TransportTest {
  private final MockWebServer server = new MockWebServer();
  private final Counters counters = new Counters();
  private final List<Duration> waits = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server.start(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Transport transport(int attempts) {
    Transport t = new Transport(new OkHttpClient(), server.url("/"), "secret", attempts, Duration.ofMillis(100),
        Duration.ofMillis(300), counters);
    t.sleeper = waits::add;
    return t;
  }

  private static MockResponse answer(int code, String json) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(json).build();
  }

  private static final String OK = "{\"status\":\"ok\",\"replay_id\":\"r\",\"chunk_index\":0,\"clients_notified\":1,"
      + "\"event_id\":7}";

  @Test
  void unavailableAnswersAreRetriedWithBackoffThatDoublesUpToItsCap() throws Exception {
    for (int i = 0; i < 4; i++) server.enqueue(answer(503, "{\"detail\":\"busy\"}"));
    server.enqueue(answer(200, OK));

    var response = transport(6).postChunk("{}".getBytes(), new long[1]);

    assertThat(response.eventId()).isEqualTo(7);
    assertThat(server.getRequestCount()).isEqualTo(5);
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300),
        Duration.ofMillis(300));
    assertThat(counters.retries.sum()).isEqualTo(4);
    var request = server.takeRequest();
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer secret");
    assertThat(request.getHeaders().get("Content-Encoding")).isEqualTo("gzip");
  }

  @Test
  void aRefusedRequestFailsAtOnceWithTheServersDetailAndIsNotRetryable() {
    server.enqueue(answer(400, "{\"detail\":\"frames must be a JSON array\"}"));

    assertThatThrownBy(() -> transport(5).postChunk("{}".getBytes(), new long[1]))
        .isInstanceOfSatisfying(EchelonException.class, e -> {
          assertThat(e.kind()).isEqualTo(EchelonException.Kind.REFUSED);
          assertThat(e.isRetryable()).isFalse();
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.detail()).contains("frames must be a JSON array");
        });
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void aServerThatStaysUnavailableIsGivenUpAfterTheAttemptsAsRetryableLater() {
    for (int i = 0; i < 3; i++) server.enqueue(answer(503, "{\"detail\":\"NATS is away\"}"));

    assertThatThrownBy(() -> transport(3).postChunk("{}".getBytes(), new long[1]))
        .isInstanceOfSatisfying(EchelonException.class, e -> {
          assertThat(e.kind()).isEqualTo(EchelonException.Kind.UNAVAILABLE);
          assertThat(e.isRetryable()).isTrue();
          assertThat(e.getMessage()).contains("after 3 attempts").contains("HTTP 503 NATS is away");
        });
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void noServerAtTheAddressIsUnreachableAndRetryable() throws Exception {
    Transport t = transport(2);
    server.close(); // nothing listens there now

    assertThatThrownBy(() -> t.postChunk("{}".getBytes(), new long[1]))
        .isInstanceOfSatisfying(EchelonException.class, e -> {
          assertThat(e.kind()).isEqualTo(EchelonException.Kind.UNREACHABLE);
          assertThat(e.status()).isZero();
          assertThat(e.isRetryable()).isTrue();
          assertThat(e.getMessage()).contains("Is the Echelon server running at");
        });
    assertThat(waits).hasSize(1);
  }

  @Test
  void aMissingWorldIsAnAnswerNotAFailure() throws Exception {
    server.enqueue(new MockResponse.Builder().code(404).build());
    assertThat(transport(3).hasWorld("0123456789abcdef")).isFalse();
    assertThat(server.takeRequest().getMethod()).isEqualTo("HEAD");
  }
}
