package dev.echelon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.WorldHash;
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
import org.openjdk.jmh.annotations.Warmup;

/** The Python-compatible world hash on the 100x100x20 fixture: from a parsed tree, and from raw bytes. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WorldHashBench {
  byte[] bytes;
  JsonNode tree;

  @Setup
  public void load() {
    bytes = Worlds.fixtureBytes("world-100x100x20-seed7.json.gz");
    tree = Worlds.fixture("world-100x100x20-seed7.json.gz");
    if (!WorldHash.of(tree).equals("f6b201cd6db9a0a1")) throw new IllegalStateException("wrong hash");
  }

  @Benchmark
  public String hashParsedWorld() {
    return WorldHash.of(tree);
  }

  @Benchmark
  public String parseAndHashRawWorld() {
    return WorldHash.of(bytes);
  }
}
