package dev.echelon.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogStateTest {
  @TempDir Path runs;
  final List<String> reports = new ArrayList<>();

  LogState open() {
    return LogState.open(Storage.disk(), runs, true, reports::add);
  }

  static Tombstones.Tombstone tombstone(int i) {
    return new Tombstones.Tombstone("r" + i, i % 2 == 0 ? "run" : null, 10L * i + 1, 10L * i + 5);
  }

  @Test
  void removalsAreAppendedNotRewrittenAndSurviveAReopen() throws Exception {
    LogState s = open();
    s.remove(List.of(tombstone(1)));
    byte[] one = Files.readAllBytes(runs.resolve(LogState.FILE));
    s.remove(List.of(tombstone(2), tombstone(3)));
    byte[] three = Files.readAllBytes(runs.resolve(LogState.FILE));
    assertThat(three.length).isGreaterThan(one.length);
    assertThat(java.util.Arrays.copyOf(three, one.length)).as("what was written stays as it was").isEqualTo(one);
    LogState again = open();
    assertThat(again.tombstones.count()).isEqualTo(3);
    assertThat(again.tombstones.removed("r2", 21)).isTrue();
    assertThat(again.tombstones.lost(20, Subscription.ALL, 0, 0)).isTrue();
    assertThat(again.ceiling()).isGreaterThanOrEqualTo(35);
    assertThat(reports).isEmpty();
  }

  @Test
  void aPowerCutRightAfterTheFirstRemovalKeepsItsTombstoneAndTheCeiling() throws Exception {
    SimulatedDisk disk = new SimulatedDisk(3, System::currentTimeMillis);
    Path at = Path.of("/runs");
    Storage first = disk.mount();
    first.createDirectories(at, true);
    LogState s = LogState.open(first, at, true, reports::add);
    s.reserve(10);
    s.remove(List.of(tombstone(1)));
    disk.powerCut(SimulatedDisk.Cut.FORGET_UNFORCED); // the new file's name must have been forced with it
    LogState again = LogState.open(disk.mount(), at, true, reports::add);
    assertThat(again.tombstones.removed("r1", 11)).isTrue();
    assertThat(again.ceiling()).isGreaterThanOrEqualTo(10 + LogState.BLOCK);
  }

  @Test
  void aCeilingWrittenAfterAFailedFirstWriteSurvivesAPowerCut() throws Exception {
    SimulatedDisk disk = new SimulatedDisk(3, System::currentTimeMillis);
    Path at = Path.of("/runs");
    Storage first = disk.mount();
    first.createDirectories(at, true);
    LogState s = LogState.open(first, at, true, reports::add);
    disk.capacity(0); // the file is made, its first record does not fit
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.reserve(10)).isInstanceOf(java.io.IOException.class);
    disk.capacity(1 << 20);
    s.reserve(10);
    disk.powerCut(SimulatedDisk.Cut.FORGET_UNFORCED); // the file's name must be forced though an earlier try made it
    LogState again = LogState.open(disk.mount(), at, true, reports::add);
    assertThat(again.ceiling()).isGreaterThanOrEqualTo(10 + LogState.BLOCK);
  }

  @Test
  void aTornLastRecordIsCutAndTheRestKept() throws Exception {
    LogState s = open();
    s.remove(List.of(tombstone(1), tombstone(2)));
    Path f = runs.resolve(LogState.FILE);
    byte[] whole = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(whole, whole.length - 3));
    LogState again = open();
    assertThat(again.tombstones.count()).isEqualTo(1);
    assertThat(reports).anyMatch(r -> r.contains("torn"));
    again.remove(List.of(tombstone(3))); // appends where the valid part ends
    assertThat(open().tombstones.count()).isEqualTo(2);
  }

  @Test
  void damageBeforeTheEndMakesEveryOlderResumeResync() throws Exception {
    LogState s = open();
    s.remove(List.of(tombstone(1), tombstone(2)));
    Path f = runs.resolve(LogState.FILE);
    byte[] bytes = Files.readAllBytes(f);
    bytes[12] ^= 0x40; // inside the first record
    Files.write(f, bytes);
    LogState again = open();
    assertThat(again.unreadable).isTrue();
    assertThat(again.tombstones.count()).isEqualTo(1);
  }

  @Test
  void idsAreReservedAheadDurablyOnceABlock() throws Exception {
    LogState s = open();
    s.reserve(5);
    long size = Files.size(runs.resolve(LogState.FILE));
    for (long id = 6; id < LogState.BLOCK; id += 1000) s.reserve(id);
    assertThat(Files.size(runs.resolve(LogState.FILE))).as("no write within the block").isEqualTo(size);
    assertThat(open().ceiling()).isGreaterThanOrEqualTo(5 + LogState.BLOCK);
  }

  @Test
  void itCompactsOnceItHoldsTwiceTheTombstonesKept() throws Exception {
    LogState s = open();
    List<Tombstones.Tombstone> batch = new ArrayList<>();
    for (int i = 0; i < 2 * Tombstones.MAX + 1; i++) batch.add(tombstone(i));
    s.remove(batch);
    LogState again = open();
    assertThat(again.tombstones.count()).isEqualTo(2L * Tombstones.MAX + 1);
    assertThat(again.tombstones.lost(0, Subscription.ALL, 0, 0)).as("older ones fold into the floor").isTrue();
    assertThat(again.tombstones.removed("r" + (2 * Tombstones.MAX), 10L * 2 * Tombstones.MAX + 1)).isTrue();
    assertThat(Files.size(runs.resolve(LogState.FILE))).isLessThan(Tombstones.MAX * 60L);
  }

  @Test
  void theStateOfThePreviousVersionIsFoldedInOnce() throws Exception {
    Files.writeString(runs.resolve(LogState.PREVIOUS), "{\"version\":1,\"last_event_id\":77,\"deleted_below\":3,"
        + "\"dropped\":0,\"tombstones\":[{\"replay_id\":\"old\",\"first\":10,\"last\":20,\"run\":\"r\"}]}");
    LogState s = open();
    assertThat(s.ceiling()).isGreaterThanOrEqualTo(77);
    assertThat(s.tombstones.removed("old", 10)).isTrue();
    assertThat(runs.resolve(LogState.PREVIOUS)).doesNotExist();
    assertThat(open().tombstones.removed("old", 10)).isTrue();
  }
}
