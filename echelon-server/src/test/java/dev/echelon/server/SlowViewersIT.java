package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** A 50 MB replay to 16 viewers, 4 of them reading at 2 MB/s, and one that stops reading. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class SlowViewersIT {
  static final int CHUNKS = 30;
  static final long SLOW_RATE = 2_000_000;

  @TempDir Path runs;

  /** About 1.7 MB of frames in the simulator's shape. */
  static String frames(int chunk) {
    SplittableRandom rnd = new SplittableRandom(chunk);
    StringBuilder b = new StringBuilder(1_800_000).append('[');
    for (int f = 0; f < 300; f++) {
      if (f > 0) b.append(',');
      b.append("{\"t\":").append(chunk * 300 + f).append(",\"mechs\":{");
      for (int m = 0; m < 40; m++) {
        if (m > 0) b.append(',');
        b.append(String.format(Locale.ROOT, "\"blue_%d\":{\"pos\":[%.15f,%.15f,1.5],\"hp\":%.3f,\"heat\":%.13f,"
            + "\"alive\":true,\"class\":\"heavy\",\"team\":\"blue\"}", m, rnd.nextDouble() * 99, rnd.nextDouble() * 99,
            rnd.nextDouble() * 200, rnd.nextDouble() * 100));
      }
      b.append("},\"events\":[]}");
    }
    return b.append(']').toString();
  }

  static int crc(String s) {
    CRC32 c = new CRC32();
    c.update(s.getBytes(StandardCharsets.UTF_8));
    return (int) c.getValue();
  }

  @Test
  void slowViewersLagAndCatchUpWithoutBeingDroppedOrSlowingThePush() throws Exception {
    ServerConfig config = ServerConfig.forTesting(runs).newBuilder()
        .sse(32, Duration.ofSeconds(15), Duration.ofSeconds(3)).build();
    try (TestServer s = new TestServer(config)) {
      String hash = s.putSmallWorld();
      List<CountingSseReader> fast = new ArrayList<>();
      List<CountingSseReader> slow = new ArrayList<>();
      try (Socket stalled = FanOutIT.stalledViewer(s.server.port())) {
        for (int i = 0; i < 12; i++) fast.add(new CountingSseReader(s.url("/events"), 0, i % 2 == 0));
        for (int i = 0; i < 4; i++) slow.add(new CountingSseReader(s.url("/events"), SLOW_RATE, false));
        long end = System.nanoTime() + 10_000_000_000L;
        while (s.get("/health").json().get("clients").asInt() < 17 && System.nanoTime() < end) Thread.sleep(10);

        int[] expected = new int[CHUNKS];
        long total = 0;
        for (int i = 0; i < CHUNKS; i++) {
          String frames = frames(i);
          expected[i] = crc("{\"replay_id\":\"big\",\"chunk_index\":" + i + ",\"frames\":" + frames + "}");
          total += frames.length();
          TestServer.Answer a = s.post("/push", "{\"replay_id\":\"big\",\"world_ref\":\"" + hash + "\",\"chunk_index\":" + i
              + ",\"chunk_count\":" + CHUNKS + ",\"frames\":" + frames + "}");
          assertThat(a.status()).isEqualTo(200);
        }
        assertThat(total).isGreaterThan(50_000_000);
        for (CountingSseReader r : slow) {
          // a push that waited for them would end with them at chunk 29 of 30 (97%); 90% leaves room for a
          // loaded machine, where the 50 MB push itself takes longer (a CI run beside a checker took 12.8 s)
          assertThat(r.bytes()).as("the push never waited for a slow viewer").isLessThan(total * 9 / 10);
        }
        List<CountingSseReader> all = new ArrayList<>(fast);
        all.addAll(slow);
        for (CountingSseReader r : all) {
          assertThat(r.await(e -> "replay_end".equals(e.name()), Duration.ofSeconds(90))).as("viewer got the whole replay").isTrue();
          List<CountingSseReader.Event> chunks = r.events.stream().filter(e -> "replay_chunk".equals(e.name())).toList();
          assertThat(chunks).extracting(CountingSseReader.Event::chunkIndex)
              .containsExactly(java.util.stream.IntStream.range(0, CHUNKS).boxed().toArray(Integer[]::new));
          for (CountingSseReader.Event e : chunks) assertThat(e.crc()).isEqualTo(expected[e.chunkIndex()]);
          assertThat(r.ended()).as("not dropped").isFalse();
        }
        String metrics = s.get("/metrics").body();
        assertThat(metrics).contains("echelon_viewers_dropped_total 1").contains("echelon_viewers_evicted_total 0");
        assertThat(s.get("/health").json().get("clients").asInt()).isEqualTo(16);
      } finally {
        fast.forEach(CountingSseReader::close);
        slow.forEach(CountingSseReader::close);
      }
    }
  }
}
