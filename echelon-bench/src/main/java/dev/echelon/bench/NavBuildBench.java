package dev.echelon.bench;

import dev.echelon.nav.NavGraph;
import dev.echelon.nav.NavOptions;
import dev.echelon.nav.VoxelWorld;
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

/** Graph builds: the two fixtures, a 256x256x32 city of ~500k walls, and a 512x512 two-layer grid (radius 0). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NavBuildBench {
  VoxelWorld fixture40;
  VoxelWorld fixture100;
  VoxelWorld city256;
  VoxelWorld grid512;

  @Setup
  public void load() {
    fixture40 = Worlds.voxels(Worlds.fixture("world-40x40x40-seed3.json.gz"));
    fixture100 = Worlds.voxels(Worlds.fixture("world-100x100x20-seed7.json.gz"));
    city256 = Worlds.city(256, 256, 32, 500_000, 1);
    grid512 = Worlds.gridMap(512, 512, 0.05, 2);
  }

  @Benchmark
  public NavGraph fixture40x40x40() {
    return NavGraph.build(fixture40, NavOptions.DEFAULTS);
  }

  @Benchmark
  public NavGraph fixture100x100x20() {
    return NavGraph.build(fixture100, NavOptions.DEFAULTS);
  }

  @Benchmark
  public NavGraph city256x256x32() {
    return NavGraph.build(city256, NavOptions.DEFAULTS);
  }

  @Benchmark
  public NavGraph grid512x512Radius0() {
    return NavGraph.build(grid512, new NavOptions(4, 0, 2));
  }
}
