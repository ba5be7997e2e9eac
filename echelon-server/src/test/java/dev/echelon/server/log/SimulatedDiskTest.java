package dev.echelon.server.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

class SimulatedDiskTest {
  final SimulatedDisk disk = new SimulatedDisk(1, () -> 0L);
  final Path dir = Path.of("/runs");
  final Path file = dir.resolve("a.log");

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  private void createDurably(Storage s) throws IOException {
    s.createDirectories(dir);
    s.write(file, bytes("forced"), true);
    s.forceDirectory(dir);
    s.forceDirectory(dir.getParent());
  }

  @Test
  void aPowerCutKeepsForcedBytesAndForgetsTheRest() throws IOException {
    Storage s = disk.mount();
    createDurably(s);
    try (FileChannel ch = s.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(bytes("+unforced"));
    }
    disk.powerCut(SimulatedDisk.Cut.FORGET_UNFORCED);
    assertThat(new String(disk.mount().readAllBytes(file), StandardCharsets.US_ASCII)).isEqualTo("forced");
  }

  @Test
  void aNameIsDurableOnlyOnceItsDirectoryIsForced() throws IOException {
    Storage s = disk.mount();
    createDurably(s);
    s.write(dir.resolve("b"), bytes("data forced, name not"), true);
    s.move(file, dir.resolve("renamed"));
    disk.powerCut(SimulatedDisk.Cut.FORGET_UNFORCED);
    Storage after = disk.mount();
    assertThat(after.exists(dir.resolve("b"))).isFalse();
    assertThat(after.exists(file)).isTrue();
    assertThat(after.exists(dir.resolve("renamed"))).isFalse();
  }

  @Test
  void aKillKeepsThePageCacheButFencesTheDeadProcess() throws IOException {
    Storage s = disk.mount();
    createDurably(s);
    FileChannel ch = s.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    ch.write(bytes("+cached"));
    disk.crash();
    assertThatThrownBy(() -> ch.write(bytes("late"))).isInstanceOf(IOException.class);
    assertThat(new String(disk.mount().readAllBytes(file), StandardCharsets.US_ASCII)).isEqualTo("forced+cached");
  }

  @Test
  void aFullDiskWritesWhatFitsThenRefuses() throws IOException {
    Storage s = disk.mount();
    createDurably(s);
    disk.capacity(disk.used() + 3);
    try (FileChannel ch = s.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      assertThatThrownBy(() -> ch.write(bytes("12345"))).hasMessageContaining("No space left");
    }
    assertThat(s.size(file)).isEqualTo("forced".length() + 3);
  }

  @Test
  void anInterruptedThreadClosesTheChannelAsARealOneDoes() throws IOException {
    Storage s = disk.mount();
    createDurably(s);
    try (FileChannel ch = s.open(file, StandardOpenOption.READ)) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(4), 0)).isInstanceOf(ClosedByInterruptException.class);
      assertThat(Thread.interrupted()).isTrue();
      assertThat(ch.isOpen()).isFalse();
    }
  }

  @Test
  void aSecondIncarnationCannotTakeTheLockOfALiveOne() throws IOException {
    Storage first = disk.mount();
    first.createDirectories(dir);
    first.lock(dir.resolve("lock"), "pid 1");
    assertThatThrownBy(() -> disk.mount().lock(dir.resolve("lock"), "pid 2"))
        .isInstanceOf(Storage.HeldLockException.class).hasMessageContaining("pid 1");
    disk.crash();
    disk.mount().lock(dir.resolve("lock"), "pid 3"); // a dead process holds nothing
  }
}
