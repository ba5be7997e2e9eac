package dev.echelon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.client.EchelonClient;
import dev.echelon.client.LiveStream;
import dev.echelon.client.Replay;
import dev.echelon.core.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the SDK costs the training thread: queueing a whole replay, and adding one 16 KB frame
 * (a Jackson tree, serialised on the caller) to a live stream. The server is unreachable and the
 * queue full, so the figures include dropping the oldest entry, the worst case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClientSubmitBench {
  EchelonClient client;
  Replay replay;
  JsonNode frame;
  LiveStream stream;

  @Setup
  public void setUp() throws Exception {
    client = EchelonClient.builder().baseUrl("http://127.0.0.1:9") // discard port: nothing listens
        .retries(1_000_000, Duration.ofSeconds(10), Duration.ofSeconds(10)).queueCapacity(8)
        .closeTimeout(Duration.ofMillis(10)).build();
    List<byte[]> frames = ReplayGenerator.frames(100, 40, 2);
    replay = Replay.builder().world(Worlds.fixture("world-100x100x20-seed7.json.gz")).frames(List.copyOf(frames)).build();
    frame = Json.mapper().readTree(frames.get(0));
    stream = client.openStream(Worlds.fixture("world-40x40x40-seed3.json.gz"), null);
  }

  @TearDown
  public void tearDown() {
    client.close();
  }

  @Benchmark
  public Object pushAsyncWholeReplay() {
    return client.pushAsync(replay);
  }

  @Benchmark
  public Object liveStreamAddFrame() {
    return stream.addFrame(frame);
  }
}
