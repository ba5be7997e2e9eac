package dev.echelon.nav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldJsonTest {
  @TempDir Path tmp;

  static NavWorld read(String json) {
    return WorldJson.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theSimulatorsGzipWorldFileLoadsToTheSameGridAsAFullParse() throws IOException {
    for (String name : List.of("world-100x100x20-seed7.json.gz", "world-40x40x40-seed3.json.gz")) {
      Path file = tmp.resolve(name);
      try (InputStream in = getClass().getResourceAsStream("/fixtures/" + name)) {
        Files.copy(in, file);
      }
      NavWorld w = WorldJson.read(file);
      assertThat(w.voxels()).as(name).isEqualTo(Fixtures.world(name));
      assertThat(w.graph().nodeCount()).isEqualTo(NavGraph.build(Fixtures.world(name), w.options()).nodeCount());
    }
  }

  @Test
  void metaNavOptionsAreRead() {
    NavWorld w = read("{\"meta\":{\"validator\":{\"clearance_z\":2},\"nav\":{\"mech_radius\":0,\"step_height_max\":3},"
        + "\"other\":[1,{\"x\":\"\\u00e9\\\"\"}]},\"size\":[4,4,4],\"walls\":[[1,1,0]],\"voxel_size_m\":2.5}");
    assertThat(w.options()).isEqualTo(new NavOptions(2, 0, 3));
    assertThat(w.voxels().voxelSize()).isEqualTo(2.5);
    assertThat(w.voxels().collides(1, 1, 0)).isTrue();
  }

  @Test
  void aReplayFileLoadsItsWorld() {
    NavWorld w = read("{\"frames\":[{\"t\":0}],\"world\":{\"size\":[3,3,3],\"walls\":[[0,0,0,8]]}}");
    assertThat(w.voxels().collides(0, 0, 0)).isTrue();
  }

  @Test
  void wallsBeyondTheGridOrIntAreIgnoredAndUnknownTypesDoNotCollide() {
    NavWorld w = read("{\"walls\":[[99999999999,0,0],[-2147483649,0,0],[4294967297,1,1],"
        + "[123456789012345678901234567890,0,0],[1,1,1,4294967297],[2,2,2,-1],[0,0,0,1.5],[3,3,3,7]],\"size\":[4,4,4]}");
    assertThat(w.voxels().collidingVoxels()).isEqualTo(1);
    assertThat(w.voxels().collides(3, 3, 3)).isTrue();
    assertThat(w.voxels().type(1, 1, 1)).isZero();
  }

  @Test
  void sizesAreCheckedBeforeAnythingIsAllocated() {
    assertThatThrownBy(() -> WorldJson.read("{\"size\":[4096,4096,4096]}".getBytes(StandardCharsets.UTF_8), 16 << 20))
        .isInstanceOf(WorldJson.WorldTooLargeException.class).hasMessageContaining("68719476736");
    assertThatThrownBy(() -> read("{\"size\":[1e9,1,1]}")).hasMessageContaining("world.size[0]");
    assertThatThrownBy(() -> read("{\"size\":[1,40000,1]}")).hasMessageContaining("world.size[1]").hasMessageContaining("32767");
    assertThatThrownBy(() -> read("{\"walls\":[]}")).hasMessageContaining("world.size is missing");
    assertThatThrownBy(() -> read("{\"size\":[2,2,2],\"walls\":[[1,1]]}")).hasMessageContaining("world.walls[0]");
    assertThatThrownBy(() -> read("[1,2]")).hasMessageContaining("object");
    assertThatThrownBy(() -> read("{\"size\":[2,2,2],\"meta\":{\"nav\":{\"step_height_max\":5000}}}"))
        .hasMessageContaining("stepHeightMax");
    assertThatThrownBy(() -> read("[".repeat(500))).hasMessageContaining("object");
  }

  @Test
  void anEstimateBoundsTheGraphFromAbove() throws IOException {
    for (String name : List.of("world-100x100x20-seed7.json.gz", "world-40x40x40-seed3.json.gz")) {
      NavWorld w = WorldJson.read(getClass().getResourceAsStream("/fixtures/" + name));
      NavGraph g = w.graph();
      GraphEstimate e = w.estimate();
      assertThat(e.nodes()).isGreaterThanOrEqualTo(g.nodeCount());
      assertThat(e.edges()).isGreaterThanOrEqualTo(g.edgeCount());
      assertThat(e.graphBytes()).isGreaterThanOrEqualTo(g.memoryBytes());
    }
    // the hostile tall world: all solid, no clearance, steps of 1024
    byte[] solid = new byte[8 * 8 * 4096];
    java.util.Arrays.fill(solid, (byte) 1);
    GraphEstimate tall = NavGraph.estimate(VoxelWorld.fromTypes(8, 8, 4096, 1, solid), new NavOptions(0, 0, 1024));
    assertThat(tall.edges()).isGreaterThan(1_000_000_000L);
  }
}
