package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** HTTP framing as attackers and broken clients send it, over raw sockets: client errors are 400s, never 500s. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300) // each test: a hang fails instead of stalling the build
class FramingIT {
  @TempDir static Path runs;
  TestServer s;
  String chunk;

  @BeforeAll
  void start() {
    s = new TestServer(ServerConfig.forTesting(runs).newBuilder().limits(2L << 20, 16L << 20, 1 << 20)
        .requestTimeout(Duration.ofSeconds(1)).build());
    chunk = "{\"replay_id\":\"framing\",\"world_ref\":\"" + s.putSmallWorld()
        + "\",\"chunk_index\":0,\"chunk_count\":1,\"frames\":[]}";
  }

  @AfterAll
  void stop() {
    s.close();
  }

  /** What came back on a raw connection: everything read until the server closed it or 5 s passed. */
  record Raw(String text, boolean closed) {
    int status() {
      return Integer.parseInt(text.substring(9, 12));
    }

    int responses() {
      return text.split("HTTP/1.1 ", -1).length - 1;
    }
  }

  Raw send(byte[] request, boolean finAfterSending) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      if (finAfterSending) socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      var got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      boolean closed = false;
      try {
        int n;
        while ((n = in.read(buf)) >= 0) got.write(buf, 0, n);
        closed = true;
      } catch (java.net.SocketTimeoutException e) {
        // still open
      }
      return new Raw(got.toString(StandardCharsets.ISO_8859_1), closed);
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private String head(String extra) {
    return "POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extra + "\r\n";
  }

  private void assertClientError(Raw r, int status) {
    assertThat(r.text).as(r.text).startsWith("HTTP/1.1 " + status);
    assertThat(r.text).contains("{\"detail\":").doesNotContain("Exception");
    assertThat(s.get("/health").status()).isEqualTo(200);
  }

  @Test
  void aBodyShorterThanItsContentLengthIs400() throws IOException {
    assertClientError(send(ascii(head("Content-Length: 500\r\n") + chunk), true), 400);
  }

  @Test
  void aWorldOverItsLimitIs413NamingItsSettingWhetherGzippedOrNot() throws IOException {
    try (TestServer small = new TestServer(ServerConfig.forTesting(runs.resolve("small")).newBuilder()
        .maxWorldBytes(4096).build())) {
      var world = dev.echelon.core.Json.mapper().createObjectNode();
      world.putArray("size").add(6).add(6).add(3);
      world.put("pad", "x".repeat(8000));
      byte[] plain = TestServer.bytes(world);
      String url = small.url("/worlds/" + dev.echelon.core.WorldHash.of(world));
      for (okhttp3.Request r : new okhttp3.Request[] {
          new okhttp3.Request.Builder().url(url).put(okhttp3.RequestBody.create(plain, TestServer.JSON)).build(),
          new okhttp3.Request.Builder().url(url).header("Content-Encoding", "gzip")
              .put(okhttp3.RequestBody.create(TestServer.gzip(plain), TestServer.JSON)).build()}) {
        TestServer.Answer a = small.send(r);
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.json().get("detail").asText()).contains("ECHELON_MAX_WORLD_BYTES").doesNotContain("DECODED");
      }
    }
  }

  @Test
  void aNegativeOrMalformedContentLengthIs400() throws IOException {
    for (String length : new String[] {"-1", "-0", "1e3", "abc", " ", "99999999999999999999"}) {
      for (boolean fin : new boolean[] {true, false}) {
        assertClientError(send(ascii(head("Content-Length: " + length + "\r\n") + chunk), fin), 400);
      }
    }
  }

  @Test
  void malformedChunkSizesAre400() throws IOException {
    for (String size : new String[] {"zz", "-1", "ffffffffffffffff", "400"}) {
      Raw r = send(ascii(head("Transfer-Encoding: chunked\r\n") + size + "\r\n" + chunk + "\r\n"), true);
      assertClientError(r, 400);
    }
  }

  @Test
  void contentLengthWithTransferEncodingIsRefusedAndTheConnectionClosed() throws IOException {
    String smuggled = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    String body = "0\r\n\r\n" + smuggled;
    Raw r = send(ascii(head("Content-Length: " + body.length() + "\r\nTransfer-Encoding: chunked\r\n") + body), false);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text).contains("Content-Length and Transfer-Encoding");
    assertThat(r.responses()).as("the smuggled request is never answered").isEqualTo(1);
    assertThat(r.closed()).isTrue();
  }

  @Test
  void aChunkedBodyIsCountedAgainstTheWireLimitWhateverItsEncoding() throws IOException {
    StringBuilder req = new StringBuilder(head("Transfer-Encoding: chunked\r\nContent-Encoding: identity\r\n"));
    String piece = "x".repeat(65536);
    for (int i = 0; i < 48; i++) req.append("10000\r\n").append(piece).append("\r\n"); // 3 MiB > 2 MiB
    req.append("0\r\n\r\n");
    Raw r = send(ascii(req.toString()), false);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.text).contains("ECHELON_MAX_BODY_BYTES");
  }

  @Test
  void connectionCloseIsHonoured() throws IOException {
    Raw r = send(ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), false);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.closed()).as("the server closed the connection").isTrue();
  }

  @Test
  void aHeadAnswerHasNoBodySoTheNextAnswerOnTheConnectionIsIntact() throws IOException {
    for (String path : new String[] {"/not-echelon/worlds/abc", "/worlds/0123456789abcdef", "/worlds/NOT-A-HASH"}) {
      Raw r = send(ascii("HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
          + "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), false);
      assertThat(r.status()).as(path).isEqualTo(404);
      int second = r.text().indexOf("HTTP/1.1 ", 1);
      assertThat(r.text().substring(r.text().indexOf("\r\n\r\n") + 4, second)).as("HEAD %s body", path).isEmpty();
      assertThat(r.text().substring(second)).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aStalledUploadIsTimedOut() throws IOException {
    long t0 = System.nanoTime();
    Raw r = send(ascii(head("Content-Length: 5000\r\n") + "{\"replay_id\""), false);
    assertThat(r.closed()).as("the server gave up on the upload").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }
}
