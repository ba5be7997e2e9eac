package dev.echelon.nav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One small hand-made world per NAV.md rule. */
class NavRulesTest {
  static final NavOptions R0 = new NavOptions(2, 0, 1);

  /** A world with a solid floor at z=0 over the whole grid, plus extra walls. */
  static VoxelWorld floorWorld(int sx, int sy, int sz, int... extraXyzt) {
    List<Integer> walls = new ArrayList<>();
    for (int y = 0; y < sy; y++) for (int x = 0; x < sx; x++) { walls.add(x); walls.add(y); walls.add(0); walls.add(1); }
    for (int v : extraXyzt) walls.add(v);
    return VoxelWorld.fromWalls(sx, sy, sz, 1.0, walls.stream().mapToInt(Integer::intValue).toArray());
  }

  @Test
  void bedrockIsWalkableWhereTheLowestVoxelsAreClear() {
    VoxelWorld w = VoxelWorld.fromWalls(2, 1, 4, 1.0, new int[] {1, 0, 1, 1});
    NavGraph g = NavGraph.build(w, R0); // clearance 2: bedrock needs z=0,1 clear
    assertThat(g.nodeAt(0, 0, -1)).isNotNegative();
    assertThat(g.nodeAt(1, 0, -1)).isNegative(); // wall at z=1 blocks the bedrock head room
    assertThat(g.nodeAt(1, 0, 1)).isNotNegative(); // and is itself a floor
  }

  @Test
  void headroomNeedsClearanceVoxelsFreeAboveTheFloor() {
    // floor at z=0 everywhere; a ceiling at z=2 over x=1 leaves only 1 free voxel there
    NavGraph g = NavGraph.build(floorWorld(3, 1, 6, 1, 0, 2, 1), R0);
    assertThat(g.nodeAt(0, 0, 0)).isNotNegative();
    assertThat(g.nodeAt(1, 0, 0)).isNegative();
    assertThat(g.nodeAt(2, 0, 0)).isNotNegative();
    // clearance is clipped at the top of the world: a floor one below the top still counts
    NavGraph top = NavGraph.build(VoxelWorld.fromWalls(1, 1, 3, 1.0, new int[] {0, 0, 1, 1}), new NavOptions(4, 0, 1));
    assertThat(top.nodeAt(0, 0, 1)).isNotNegative();
  }

  @Test
  void nonCollidingTypesAreNotFloorsAndDoNotBlock() {
    // water (3) at z=0 over x=0 is not a floor; foliage (9) at z=1 over x=1 does not block
    NavGraph g = NavGraph.build(VoxelWorld.fromWalls(2, 1, 4, 1.0, new int[] {0, 0, 0, 3, 1, 0, 0, 1, 1, 0, 1, 9}), R0);
    assertThat(g.nodeAt(0, 0, 0)).isNegative();
    assertThat(g.nodeAt(0, 0, -1)).isNotNegative();
    assertThat(g.nodeAt(1, 0, 0)).isNotNegative();
  }

  @Test
  void theTopLayerIsNeverAFloor() {
    NavGraph g = NavGraph.build(VoxelWorld.fromWalls(1, 1, 2, 1.0, new int[] {0, 0, 1, 1}), new NavOptions(0, 0, 1));
    assertThat(g.nodeAt(0, 0, 1)).isNegative();
  }

  @Test
  void erosionCountsCellsOutsideTheGridAsBlocked() {
    NavGraph g = NavGraph.build(floorWorld(5, 5, 4), new NavOptions(2, 1, 1));
    // only the 3x3 interior survives radius 1 on a 5x5 floor
    int count = 0;
    for (int u = 0; u < g.nodeCount(); u++) {
      assertThat(g.nodeX(u)).isBetween(1, 3);
      assertThat(g.nodeY(u)).isBetween(1, 3);
      count++;
    }
    assertThat(count).isEqualTo(9);
  }

  @Test
  void erosionIsPerLayerSoAPillarRemovesItsNeighbours() {
    // a tall pillar at (3,3) removes the floor under it and every floor node within radius 1
    int[] pillar = {3, 3, 1, 1, 3, 3, 2, 1, 3, 3, 3, 1, 3, 3, 4, 1, 3, 3, 5, 1};
    NavGraph g = NavGraph.build(floorWorld(7, 7, 6, pillar), new NavOptions(2, 1, 1));
    for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) assertThat(g.nodeAt(3 + dx, 3 + dy, 0)).isNegative();
    assertThat(g.nodeAt(1, 1, 0)).isNotNegative();
    assertThat(g.nodeAt(5, 5, 0)).isNotNegative();
  }

  @Test
  void stepsUpAndDownWithinTheLimitOnly() {
    // floor z=0; x=1 raised by 1 (floor at z=1), x=2 raised by 3 (floor at z=3)
    VoxelWorld w = floorWorld(3, 1, 8, 1, 0, 1, 1, 2, 0, 1, 1, 2, 0, 2, 1, 2, 0, 3, 1);
    NavGraph g = NavGraph.build(w, new NavOptions(2, 0, 1));
    int a = g.nodeAt(0, 0, 0);
    int b = g.nodeAt(1, 0, 1);
    int c = g.nodeAt(2, 0, 3);
    assertThat(hasEdge(g, a, b)).isTrue();
    assertThat(hasEdge(g, b, a)).isTrue();
    assertThat(hasEdge(g, b, c)).isFalse(); // 2 up with step limit 1
    assertThat(hasEdge(g, c, b)).isFalse(); // 2 down too
    NavGraph g2 = NavGraph.build(w, new NavOptions(2, 0, 2));
    assertThat(hasEdge(g2, g2.nodeAt(1, 0, 1), g2.nodeAt(2, 0, 3))).isTrue();
  }

  @Test
  void climbingCostsTwentyPercentMoreDescendingDoesNot() {
    NavGraph g = NavGraph.build(floorWorld(2, 1, 6, 1, 0, 1, 1), new NavOptions(2, 0, 1));
    int low = g.nodeAt(0, 0, 0);
    int high = g.nodeAt(1, 0, 1);
    assertThat(cost(g, low, high)).isCloseTo(1.2, within(1e-12));
    assertThat(cost(g, high, low)).isCloseTo(1.0, within(1e-12));
    VoxelWorld scaled = VoxelWorld.fromWalls(2, 1, 6, 5.0, new int[] {0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1});
    NavGraph gs = NavGraph.build(scaled, new NavOptions(2, 0, 1));
    assertThat(cost(gs, gs.nodeAt(0, 0, 0), gs.nodeAt(1, 0, 1))).isCloseTo(6.0, within(1e-12));
  }

  @Test
  void diagonalsNeedBothOrthogonalNeighboursAtTheSameHeight() {
    // floor 2x2; (1,0) is raised by one, so (0,0)->(1,1) would cut its corner
    NavGraph g = NavGraph.build(floorWorld(2, 2, 6, 1, 0, 1, 1), new NavOptions(2, 0, 1));
    int from = g.nodeAt(0, 0, 0);
    int to = g.nodeAt(1, 1, 0);
    assertThat(hasEdge(g, from, to)).isFalse();
    NavGraph open = NavGraph.build(floorWorld(2, 2, 6), new NavOptions(2, 0, 1));
    assertThat(cost(open, open.nodeAt(0, 0, 0), open.nodeAt(1, 1, 0))).isCloseTo(1.414, within(1e-12));
  }

  @Test
  void aBridgeOverARoadGivesOneColumnTwoNodes() {
    // road at z=0 along x; a bridge deck at z=4 crossing over x=2
    int[] deck = {2, 0, 4, 1, 2, 1, 4, 1, 2, 2, 4, 1};
    NavGraph g = NavGraph.build(floorWorld(5, 3, 9, deck), new NavOptions(3, 0, 1));
    assertThat(g.nodeAt(2, 1, 0)).isNotNegative(); // under the bridge: 3 free voxels (1..3)
    assertThat(g.nodeAt(2, 1, 4)).isNotNegative(); // on the bridge
    assertThat(hasEdge(g, g.nodeAt(2, 1, 0), g.nodeAt(2, 1, 4))).isFalse();
    assertThat(g.positionZ(g.nodeAt(2, 1, 4))).isEqualTo(5.0);
    assertThat(g.positionX(g.nodeAt(2, 1, 4))).isEqualTo(2.5);
  }

  @Test
  void nearestNodeWidensPastTheThreeByThreeColumns() {
    // a 9x1 strip whose only floor is at x=8
    NavGraph g = NavGraph.build(VoxelWorld.fromWalls(9, 1, 2, 1.0, new int[] {8, 0, 0, 1}), new NavOptions(1, 0, 1));
    // bedrock is excluded where z=0 collides, so nodes: bedrock for x 0..7, floor at x=8
    int far = g.nearestNode(8.5, 0.5, 1.0);
    assertThat(g.nodeX(far)).isEqualTo(8);
    NavGraph sparse = NavGraph.build(VoxelWorld.fromWalls(9, 1, 2, 1.0, new int[] {
        0, 0, 0, 1, 1, 0, 0, 1, 2, 0, 0, 1, 3, 0, 0, 1, 4, 0, 0, 1, 5, 0, 0, 1, 6, 0, 0, 1, 7, 0, 0, 1,
        0, 0, 1, 1, 1, 0, 1, 1, 2, 0, 1, 1, 3, 0, 1, 1, 4, 0, 1, 1, 5, 0, 1, 1, 6, 0, 1, 1, 7, 0, 1, 1}),
        new NavOptions(1, 0, 1));
    assertThat(sparse.nodeCount()).isEqualTo(1); // bedrock at x=8 only
    int u = sparse.nearestNode(0.5, 0.5, 0.0);
    assertThat(sparse.nodeX(u)).isEqualTo(8);
  }

  @Test
  void aBudgetStopsTheSearchAndSaysSo() {
    NavGraph g = NavGraph.build(floorWorld(30, 30, 4), new NavOptions(2, 0, 1));
    Route p = g.findPath(g.nodeAt(0, 0, 0), g.nodeAt(29, 29, 0), 5);
    assertThat(p.found()).isFalse();
    assertThat(p.failure()).contains("budget 5");
    assertThat(p.outcome()).isEqualTo(Route.Outcome.BUDGET);
    Route full = g.findPath(g.nodeAt(0, 0, 0), g.nodeAt(29, 29, 0));
    assertThat(full.found()).isTrue();
    assertThat(full.cost()).isCloseTo(29 * 1.414, within(1e-9));
    assertThat(full.length()).isEqualTo(30);
  }

  @Test
  void preconditionsNameTheValue() {
    assertThatThrownBy(() -> new NavOptions(-1, 0, 0)).hasMessageContaining("-1");
    assertThatThrownBy(() -> VoxelWorld.fromWalls(0, 1, 1, 1, new int[0])).hasMessageContaining("[0, 1, 1]");
    assertThatThrownBy(() -> VoxelWorld.fromWalls(1, 1, 1, Double.NaN, new int[0])).hasMessageContaining("NaN");
    NavGraph g = NavGraph.build(floorWorld(2, 2, 4), R0);
    assertThatThrownBy(() -> g.findPath(0, 99)).hasMessageContaining("99");
  }

  static boolean hasEdge(NavGraph g, int u, int v) {
    return cost(g, u, v) >= 0;
  }

  static double cost(NavGraph g, int u, int v) {
    assertThat(u).isNotNegative();
    assertThat(v).isNotNegative();
    for (int e = g.edgesFrom(u); e < g.edgesEnd(u); e++) if (g.edgeTarget(e) == v) return g.edgeCost(e);
    return -1;
  }
}
