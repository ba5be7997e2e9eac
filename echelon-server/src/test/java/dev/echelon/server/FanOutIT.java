package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** SSE fan-out under stalled and surplus viewers. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class FanOutIT {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path runs;


  /** A viewer that connects, sends its request, and never reads a byte. */
  static Socket stalledViewer(int port) throws Exception {
    return stalledViewer(port, "/events");
  }

  static Socket stalledViewer(int port, String path) throws Exception {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port));
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  @Test
  void aStalledViewerNeitherDelaysPushesNorOtherViewersAndIsDropped() throws Exception {
    try (TestServer s = TestServer.stallingAfter(runs, Duration.ofSeconds(1)); SseReader healthy = new SseReader(s.url("/events"));
        Socket stalled = stalledViewer(s.server.port())) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (s.get("/health").json().get("clients").asInt() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
      assertThat(s.get("/health").json().get("clients").asInt()).isEqualTo(2);
      String hash = s.putSmallWorld();
      String frames = "[" + ("{\"payload\":\"" + "x".repeat(20_000) + "\"},").repeat(49) + "{\"last\":true}]";
      long slowest = 0;
      for (int i = 0; i < 50; i++) {
        long t0 = System.nanoTime();
        TestServer.Answer a = s.post("/push", "{\"replay_id\":\"stall\",\"world_ref\":\"" + hash + "\",\"chunk_index\":" + i
            + ",\"chunk_count\":50,\"frames\":" + frames + "}");
        slowest = Math.max(slowest, System.nanoTime() - t0);
        assertThat(a.status()).isEqualTo(200);
      }
      // A push waits for no viewer: even the slowest one returned before the stalled viewer's timeout.
      assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(1));
      assertThat(healthy.next(WAIT).name()).isEqualTo("replay_start");
      for (int i = 0; i < 50; i++) assertThat(healthy.next(WAIT).json().get("chunk_index").asInt()).isEqualTo(i);
      assertThat(healthy.next(WAIT).name()).isEqualTo("replay_end");
      deadline = System.nanoTime() + WAIT.toNanos();
      while (s.get("/health").json().get("clients").asInt() > 1 && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(s.get("/health").json().get("clients").asInt()).isEqualTo(1);
      assertThat(s.get("/metrics").body()).containsPattern("echelon_viewers_dropped_total [1-9]");
    }
  }

  @Test
  void theSeventeenthViewerEvictsTheOldest() throws Exception {
    try (TestServer s = TestServer.start(runs)) {
      List<SseReader> viewers = new ArrayList<>();
      try {
        for (int i = 0; i < 17; i++) viewers.add(new SseReader(s.url("/events")));
        assertThat(viewers.get(0).awaitEnd(WAIT)).as("oldest viewer's stream ended").isTrue();
        synchronized (viewers.get(0).comments) {
          assertThat(viewers.get(0).comments).as("the stream's last line says why it ended")
              .last().asString().startsWith(": closed: evicted: more than 16 viewers (ECHELON_SSE_MAX_CLIENTS)");
        }
        assertThat(s.get("/health").json().get("clients").asInt()).isEqualTo(16);
        String hash = s.putSmallWorld();
        s.post("/push", "{\"replay_id\":\"e\",\"world_ref\":\"" + hash + "\",\"chunk_index\":0,\"chunk_count\":1,\"frames\":[]}");
        for (int i = 1; i < 17; i++) assertThat(viewers.get(i).next(WAIT).name()).isEqualTo("replay_start");
        assertThat(viewers.get(0).events).isEmpty();
        assertThat(s.get("/metrics").body()).contains("echelon_viewers_evicted_total 1");
      } finally {
        viewers.forEach(SseReader::close);
      }
    }
  }

  @Test
  void sixteenNewViewersRightAfterSixteenVanishedAllGetTheNextReplayWithNoEviction() throws Exception {
    try (TestServer s = TestServer.start(runs)) {
      List<Socket> vanishing = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        Socket v = stalledViewer(s.server.port());
        v.getInputStream().read(new byte[64]); // the stream started
        vanishing.add(v);
      }
      for (Socket v : vanishing) v.close(); // their processes were killed: the server is not told until it writes
      List<SseReader> fresh = new ArrayList<>();
      try {
        for (int i = 0; i < 16; i++) fresh.add(new SseReader(s.url("/events")));
        String hash = s.putSmallWorld();
        var frames = dev.echelon.core.Json.mapper().createArrayNode();
        for (int f = 0; f < 30; f++) frames.addObject().put("t", f);
        s.pushReplay("next", hash, frames, 10);
        for (SseReader v : fresh) assertThat(v.replayFrames("next", WAIT)).isEqualTo(frames);
        assertThat(s.get("/metrics").body()).contains("echelon_viewers_evicted_total 0");
        assertThat(s.get("/health").json().get("clients").asInt()).isEqualTo(16);
      } finally {
        fresh.forEach(SseReader::close);
      }
    }
  }

  /** Connects to /events, waits for the stream to start, and hangs up. */
  static void ghost(int port) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getInputStream().read(new byte[256]);
    }
  }

  @Test
  void viewersThatConnectAndVanishNeverEvictLiveOnesAndTheKeepaliveFreesTheirSlots() throws Exception {
    Duration keepalive = Duration.ofSeconds(1);
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder()
        .sse(16, keepalive, Duration.ofSeconds(30)).build())) {
      List<SseReader> live = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) live.add(new SseReader(s.url("/events")));
        Thread.sleep(1100); // the live viewers have proved themselves
        // at the cap, each newcomer has every connection probed: the ghosts' slots free at once
        for (int i = 0; i < 200; i++) ghost(s.server.port());
        assertThat(s.get("/health").json().get("clients").asInt()).isBetween(4, 16);
        for (SseReader v : live) assertThat(v.awaitEnd(Duration.ZERO)).as("a live viewer was evicted").isFalse();
        assertThat(s.get("/metrics").body()).contains("echelon_viewers_evicted_total 0");
        // below the cap, nothing writes to an idle stream until its keepalive is due: that write finds the rest
        long t0 = System.nanoTime();
        while (s.get("/health").json().get("clients").asInt() > 4 && System.nanoTime() - t0 < WAIT.toNanos()) Thread.sleep(20);
        assertThat(s.get("/health").json().get("clients").asInt()).isEqualTo(4);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("vanished viewers' slots freed by their keepalives")
            .isLessThan(keepalive.multipliedBy(4));
        String hash = s.putSmallWorld();
        s.post("/push", "{\"replay_id\":\"after\",\"world_ref\":\"" + hash + "\",\"chunk_index\":0,\"chunk_count\":1,\"frames\":[]}");
        for (SseReader v : live) assertThat(v.next(WAIT).name()).isEqualTo("replay_start");
      } finally {
        live.forEach(SseReader::close);
      }
    }
  }
}
