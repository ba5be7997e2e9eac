package dev.echelon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.echelon.client.EchelonClient;
import dev.echelon.client.PushSummary;
import dev.echelon.client.Replay;
import dev.echelon.core.Json;
import dev.echelon.server.ServerConfig;
import dev.echelon.server.SseReader;
import dev.echelon.server.TestServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/**
 * The CI-sized smoke of {@code ./bench.sh load}: correctness invariants only, never speed. Every
 * viewer (gzip or plain) assembles exactly the pushed frames, and viewer churn leaks no threads or
 * file descriptors.
 */
@Timeout(300) // each test: a hang fails instead of stalling the build
class LoadSmokeIT {
  @TempDir Path runs;

  @Test
  void everyViewerGzipOrPlainAssemblesExactlyThePushedReplay() {
    DemoArena arena = new DemoArena(11);
    ArrayNode frames = Json.mapper().createArrayNode();
    for (int m = 0; frames.size() < 600; m++) {
      DemoMatch match = new DemoMatch(arena, m);
      while (!match.over() && frames.size() < 600) frames.add(match.next());
    }
    try (TestServer s = TestServer.start(runs);
        EchelonClient client = EchelonClient.builder().baseUrl(s.url("/")).chunkSize(50, 1 << 20).build()) {
      List<SseReader> viewers = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) viewers.add(new SseReader(s.url("/events"), null, i % 2 == 0));
        List<Object> list = new ArrayList<>();
        frames.forEach(list::add);
        PushSummary summary = client.push(Replay.builder().replayId("smoke").world(arena.world).frames(list).build());
        assertThat(summary.chunks()).isEqualTo(12);
        for (SseReader v : viewers) assertThat(v.replayFrames("smoke", Duration.ofSeconds(15))).isEqualTo(frames);
      } finally {
        viewers.forEach(SseReader::close);
      }
      assertThat(s.get("/metrics").body()).contains("echelon_sse_gzip_connections_total 2");
    }
  }

  @Test
  void viewerChurnLeaksNoThreadsOrFileDescriptors() throws Exception {
    ServerConfig config = ServerConfig.forTesting(runs).newBuilder().sse(16, Duration.ofMillis(100), Duration.ofSeconds(1)).build();
    try (TestServer s = new TestServer(config)) {
      for (int i = 0; i < 10; i++) new SseReader(s.url("/events")).close(); // warm up pools
      settle(s);
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();
      long fds = openFds();
      for (int i = 0; i < 100; i++) new SseReader(s.url("/events"), null, i % 2 == 0).close();
      settle(s);
      assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(threads + 4);
      assertThat(openFds()).isLessThanOrEqualTo(fds + 8);
    }
  }

  static void settle(TestServer s) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (s.get("/health").json().get("clients").asInt() > 0 && System.nanoTime() < end) Thread.sleep(50);
    assertThat(s.get("/health").json().get("clients").asInt()).isZero();
    Thread.sleep(300);
  }

  static long openFds() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
