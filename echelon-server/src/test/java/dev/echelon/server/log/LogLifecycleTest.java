package dev.echelon.server.log;

import static dev.echelon.server.log.LogFixtures.append;
import static dev.echelon.server.log.LogFixtures.chunk;
import static dev.echelon.server.log.LogFixtures.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edges of a replay's life in the file log: readers that go away, removals, crashes between steps. */
class LogLifecycleTest {
  @TempDir Path runs;

  @Test
  void anInterruptedReaderStopsAndMarksNoChunkDamaged() throws Exception {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs, 0))) { // every chunk is read from disk
      for (int i = 0; i < 3; i++) append(log, chunk("a", i, 3));
      EventReader reader = log.reader(0L, Subscription.ALL);
      reader.poll(50_000_000); // START
      Thread.currentThread().interrupt(); // an evicted viewer: its thread is interrupted mid-read
      assertThatThrownBy(() -> reader.poll(50_000_000)).isInstanceOf(InterruptedException.class);
      Thread.interrupted();
      assertThat(log.chunkIndices("a")).containsExactly(0, 1, 2);
      assertThat(log.catalog().find("a").orElseThrow().complete()).isTrue();
      assertThat(drain(log.reader(0L, Subscription.ALL), 50)).extracting(e -> e.kind() + ":" + e.chunkIndex())
          .containsExactly("START:-1", "CHUNK:0", "CHUNK:1", "CHUNK:2", "END:-1");
    }
  }

  @Test
  void anIoErrorWhileReadingEndsTheReadersStreamAndMarksNoChunkDamaged() throws Exception {
    boolean[] failing = {false};
    Storage eio = new ForwardingStorage(Storage.disk()) {
      @Override public FileChannel open(Path file, OpenOption... options) throws IOException {
        if (failing[0] && file.endsWith("replay.log") && !List.of(options).contains(StandardOpenOption.WRITE)) {
          throw new IOException("Input/output error");
        }
        return super.open(file, options);
      }
    };
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs, 0), eio, java.time.InstantSource.system())) {
      for (int i = 0; i < 2; i++) append(log, chunk("a", i, 2));
      EventReader reader = log.reader(0L, Subscription.ALL);
      reader.poll(50_000_000); // START
      failing[0] = true;
      assertThatThrownBy(() -> reader.poll(50_000_000)).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("the viewer resumes from there");
      assertThatThrownBy(() -> log.chunk("a", 0)).hasMessageContaining("cannot be read now");
      failing[0] = false;
      assertThat(log.chunkIndices("a")).containsExactly(0, 1);
      assertThat(drain(log.reader(0L, Subscription.ALL), 50)).hasSize(4);
    }
  }

  @Test
  void aQuietSubscriptionNeverLooksAtTheEntriesItPassedAgain() throws Exception {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      for (int i = 0; i < 5; i++) append(log, chunk("busy" + i, 0, 1));
      EventReader quiet = log.reader(0L, new Subscription(null, "quiet"));
      assertThat(quiet.poll(10_000_000)).isNull();
      assertThat(quiet.position()).as("nothing up to the head is for it").isEqualTo(log.headEventId());
      append(log, chunk("quiet", 0, 1));
      assertThat(quiet.poll(50_000_000).kind()).isEqualTo(LogEvent.Kind.START);
    }
  }

  @Test
  void aRemovalWhoseTombstoneCannotBeWrittenKeepsTheReplayAndItsIds() throws Exception {
    TestClock clock = new TestClock();
    boolean[] stateFails = {false};
    Storage storage = new ForwardingStorage(Storage.disk()) {
      @Override public FileChannel open(Path file, OpenOption... options) throws IOException {
        if (stateFails[0] && file.getFileName().toString().startsWith("log-state")) throw new IOException("No space left on device");
        return super.open(file, options);
      }
    };
    long head;
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs), storage, clock)) {
      append(log, chunk("a", 0, 1));
      head = log.headEventId();
      clock.advance(Duration.ofMinutes(5));
      stateFails[0] = true;
      log.remove(List.of("a"), "test");
      assertThat(log.catalog().find("a")).isPresent();
      assertThat(runs.resolve("replays/a/replay.log")).exists();
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      assertThat(log.chunkIndices("a")).containsExactly(0);
      assertThat(append(log, chunk("b", 0, 1)).eventId()).isGreaterThan(head);
    }
  }

  @Test
  void aRemovalACrashInterruptedAfterItsTombstoneIsFinishedAtTheNextStart() throws Exception {
    TestClock clock = new TestClock();
    Storage crashesOnRename = new ForwardingStorage(Storage.disk()) {
      @Override public void move(Path from, Path to) throws IOException {
        if (to.toString().contains(Trash.TRASH)) throw new IOException("the process died here");
        super.move(from, to);
      }
    };
    long removedUpTo;
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs), crashesOnRename, clock)) {
      append(log, chunk("gone", 0, 1));
      append(log, chunk("kept", 0, 1));
      removedUpTo = log.catalog().find("gone").orElseThrow().lastEventId();
      clock.advance(Duration.ofMinutes(5));
      log.remove(List.of("gone"), "test");
      assertThat(log.catalog().find("gone")).isEmpty();
      assertThat(runs.resolve("replays/gone")).exists(); // the crash left the folder where it was
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      assertThat(log.catalog().find("gone")).as("it does not come back").isEmpty();
      assertThat(runs.resolve("replays/gone")).doesNotExist();
      assertThat(log.catalog().find("kept")).isPresent();
      assertThat(log.reader(removedUpTo - 1, Subscription.ALL).poll(10_000_000).kind())
          .as("a viewer that missed it is told").isEqualTo(LogEvent.Kind.RESYNC);
    }
  }

  @Test
  void aFolderHoldingOnlyWhatACrashLeftIsRemovedAtStart() throws Exception {
    Path left = Files.createDirectories(runs.resolve("replays/half"));
    Files.write(left.resolve(ReplayLogFile.INDEX), new byte[80]);
    Files.createDirectories(runs.resolve("replays/.trash/old-7"));
    Files.writeString(runs.resolve("replays/.trash/old-7/replay.log"), "removed before the crash");
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      assertThat(log.catalog().size()).isZero();
    }
    assertThat(left).doesNotExist();
    assertThat(runs.resolve("replays/" + Trash.REFUSED)).as("removed, not kept aside").doesNotExist();
    assertThat(runs.resolve("replays/.trash/old-7")).doesNotExist();
  }

  @Test
  void aFolderRecoveryRefusesIsKeptAsideAndAPushOfItsIdCannotOverwriteIt() throws Exception {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      append(log, chunk("other", 0, 1));
    }
    Path refused = Files.createDirectories(runs.resolve("replays/victim"));
    byte[] foreign = Files.readAllBytes(runs.resolve("replays/other/replay.log")); // records of another replay
    Files.write(refused.resolve(ReplayLogFile.LOG), foreign);
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      assertThat(log.catalog().find("victim")).isEmpty();
      assertThat(append(log, chunk("victim", 0, 1)).started()).isTrue();
    }
    List<Path> aside;
    try (var s = Files.list(runs.resolve("replays/" + Trash.REFUSED))) {
      aside = s.toList();
    }
    assertThat(aside).hasSize(1);
    assertThat(aside.get(0).getFileName().toString()).startsWith("victim-");
    assertThat(Files.readAllBytes(aside.get(0).resolve(ReplayLogFile.LOG))).isEqualTo(foreign);
  }

  @Test
  void aPowerCutRightAfterTheFirstStartKeepsEveryAcknowledgedChunk() throws Exception {
    SimulatedDisk disk = new SimulatedDisk(1, System::currentTimeMillis);
    Path at = Path.of("/fresh/runs");
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(at), disk.mount(), java.time.InstantSource.system())) {
      append(log, chunk("a", 0, 2));
      disk.powerCut(SimulatedDisk.Cut.FORGET_UNFORCED); // the folders made at the first start must have survived too
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(at), disk.mount(), java.time.InstantSource.system())) {
      assertThat(log.chunkIndices("a")).containsExactly(0);
    }
  }

  @Test
  void aChunkACrashLeftUnforcedIsMadeDurableBeforeItIsServed() throws Exception {
    SimulatedDisk disk = new SimulatedDisk(1, System::currentTimeMillis);
    Path at = Path.of("/runs");
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(at), disk.mount(), java.time.InstantSource.system())) {
      append(log, chunk("a", 0, 3));
      // chunk 1 is written whole, its force fails, and so does cutting it back off: it is answered 5xx
      var failing = new java.util.concurrent.atomic.AtomicBoolean();
      disk.faults((op, path) -> path.endsWith("a/replay.log")
          && (op == SimulatedDisk.Op.FORCE && failing.compareAndSet(false, true) || op == SimulatedDisk.Op.WRITE && failing.get()));
      assertThatThrownBy(() -> append(log, chunk("a", 1, 3))).isInstanceOf(UncheckedIOException.class);
      disk.faults((op, path) -> false);
      disk.crash(); // kill -9: the page cache keeps the record
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(at), disk.mount(), java.time.InstantSource.system())) {
      assertThat(log.chunkIndices("a")).containsExactly(0, 1); // found whole, so it is served (a retry is a duplicate)
      disk.powerCut(SimulatedDisk.Cut.FORGET_UNFORCED);
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(at), disk.mount(), java.time.InstantSource.system())) {
      assertThat(log.chunkIndices("a")).as("a chunk that was listed never vanishes").containsExactly(0, 1);
    }
  }

  @Test
  void aCleanShutdownIsMarkedAndTheMarkIsGoneForGoodOnceTheLogIsOpenAgain() throws Exception {
    SimulatedDisk disk = new SimulatedDisk(1, System::currentTimeMillis);
    Path at = Path.of("/runs");
    Path mark = at.resolve(LogRecovery.CLEAN_SHUTDOWN);
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(at), disk.mount(), java.time.InstantSource.system())) {
      append(log, chunk("a", 0, 2));
      assertThat(disk.contents(mark)).as("no mark while it runs").isNull();
    }
    assertThat(disk.contents(mark)).as("a clean shutdown is marked").isNotNull();
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(at), disk.mount(), java.time.InstantSource.system())) {
      disk.powerCut(SimulatedDisk.Cut.FORGET_UNFORCED); // the mark's removal was forced before the log opened
      assertThat(disk.contents(mark)).as("a crash from now on must find no mark").isNull();
    }
  }

  @Test
  void idsNeverGoBackEvenWhenTheRecordHoldingTheHighestIsLost() throws Exception {
    SimulatedDisk disk = new SimulatedDisk(1, System::currentTimeMillis);
    Path at = Path.of("/runs");
    long last;
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(at), disk.mount(), java.time.InstantSource.system())) {
      append(log, chunk("a", 0, 2));
      last = append(log, chunk("b", 0, 2)).eventId();
    }
    disk.truncate(at.resolve("replays/b/replay.log"), 10); // the medium loses b's only record
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(at), disk.mount(), java.time.InstantSource.system())) {
      assertThat(log.catalog().find("b")).isEmpty();
      assertThat(append(log, chunk("c", 0, 1)).eventId()).isGreaterThan(last);
    }
  }

  @Test
  void anImportOfTheEarlierFormatACrashStoppedGoesOnAtTheNextStart() throws Exception {
    Path old = Files.createDirectories(runs.resolve("replays/legacy"));
    Files.writeString(old.resolve("manifest.json"), "{\"replay_id\":\"legacy\",\"world_ref\":\"" + LogFixtures.WORLD
        + "\",\"chunk_count\":3,\"started_at\":1700000000.5}");
    for (int i = 0; i < 3; i++) {
      Files.write(old.resolve(String.format("chunk-%06d.json.gz", i)), dev.echelon.core.Gzip.compress(
          ("{\"replay_id\":\"legacy\",\"chunk_index\":" + i + ",\"frames\":[{\"t\":" + i + "}]}").getBytes()));
    }
    byte[] chunk2 = Files.readAllBytes(old.resolve("chunk-000002.json.gz"));
    Files.delete(old.resolve("chunk-000002.json.gz")); // the crash: chunk 2 not yet there, as if mid-import
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      assertThat(log.chunkIndices("legacy")).containsExactly(0, 1);
    }
    // the import stopped before its manifest went: put it back as the crash left it, with chunk 2 in place
    Files.writeString(old.resolve("manifest.json"), "{\"replay_id\":\"legacy\",\"world_ref\":\"" + LogFixtures.WORLD
        + "\",\"chunk_count\":3,\"started_at\":1700000000.5}");
    Files.write(old.resolve("chunk-000002.json.gz"), chunk2);
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      assertThat(log.chunkIndices("legacy")).containsExactly(0, 1, 2);
      assertThat(log.catalog().find("legacy").orElseThrow().complete()).isTrue();
    }
    assertThat(old.resolve("manifest.json")).doesNotExist();
    assertThat(old.resolve("chunk-000002.json.gz")).doesNotExist();
  }
}
