package dev.echelon.server.log;

import static dev.echelon.server.log.LogFixtures.append;
import static dev.echelon.server.log.LogFixtures.chunk;
import static dev.echelon.server.log.LogFixtures.drain;
import static dev.echelon.server.log.LogFixtures.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echelon.server.base.ApiException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReplayLogTest {
  @TempDir Path runs;

  @Test
  void aReaderGetsStartChunksAndEndInOrderWithIncreasingIds() throws Exception {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      for (int i = 0; i < 3; i++) assertThat(append(log, chunk("a", i, 3)).duplicate()).isFalse();
      List<LogEvent> events = drain(log.reader(null, Subscription.ALL), 50);
      assertThat(events).extracting(LogEvent::kind).containsExactly(LogEvent.Kind.START, LogEvent.Kind.CHUNK,
          LogEvent.Kind.CHUNK, LogEvent.Kind.CHUNK, LogEvent.Kind.END);
      assertThat(events).extracting(LogEvent::id).isSorted().doesNotHaveDuplicates();
      assertThat(plain(events.get(2).payload())).isEqualTo(
          "{\"replay_id\":\"a\",\"chunk_index\":1,\"frames\":" + LogFixtures.frames(1, 3) + "}");
      ReplaySummary r = log.catalog().find("a").orElseThrow();
      assertThat(r.complete()).isTrue();
      assertThat(r.frames()).isEqualTo(9);
      assertThat(r.runName()).isEqualTo("r1");
      assertThat(new String(r.meta())).isEqualTo("{\"episode\":1}");
    }
  }

  @Test
  void aDuplicateChangesNothingAndContradictionsAre409() {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      append(log, chunk("a", 0, 3));
      long head = log.headEventId();
      assertThat(append(log, chunk("a", 0, 3)).duplicate()).isTrue();
      assertThat(log.headEventId()).isEqualTo(head);
      assertThatThrownBy(() -> append(log, chunk("a", 1, 4))).isInstanceOf(ApiException.class)
          .hasMessageContaining("chunk_count conflict").extracting(e -> ((ApiException) e).status()).isEqualTo(409);
      assertThatThrownBy(() -> append(log, chunk("a", 5, null))).hasMessageContaining("beyond");
    }
  }

  @Test
  void aReopenedLogServesTheSameBytesAndContinuesTheIds() throws Exception {
    String before;
    long head;
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      append(log, chunk("a", 0, 2));
      append(log, chunk("a", 1, 2));
      before = plain(log.chunk("a", 1).orElseThrow());
      head = log.headEventId();
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      assertThat(log.headEventId()).isEqualTo(head);
      assertThat(plain(log.chunk("a", 1).orElseThrow())).isEqualTo(before);
      assertThat(append(log, chunk("a", 1, 2)).duplicate()).isTrue();
      List<LogEvent> events = drain(log.reader(0L, Subscription.ALL), 50);
      assertThat(events).hasSize(4);
      assertThat(plain(events.get(2).payload())).isEqualTo(before); // read from disk, inflated
      append(log, chunk("b", 0, 1));
      assertThat(log.headEventId()).isGreaterThan(head);
    }
  }

  @Test
  void aFailedAppendCommitsNothingAndItsRetryIsStoredAsNew() throws Exception {
    LogFixtures.FullDisk disk = new LogFixtures.FullDisk();
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs), disk, java.time.InstantSource.system())) {
      append(log, chunk("a", 0, 3));
      EventReader viewer = log.reader(null, Subscription.ALL);
      assertThat(drain(viewer, 50)).hasSize(2);
      disk.budget.set(100); // the next record is cut off part-way
      assertThatThrownBy(() -> append(log, chunk("a", 1, 3))).isInstanceOf(ApiException.class)
          .hasMessageContaining("ECHELON_RUNS_DIR").hasMessageContaining("full")
          .extracting(e -> ((ApiException) e).status()).isEqualTo(507);
      assertThat(log.chunkIndices("a")).containsExactly(0);
      assertThat(drain(viewer, 50)).isEmpty();
      disk.budget.set(Long.MAX_VALUE);
      assertThat(append(log, chunk("a", 1, 3)).duplicate()).isFalse();
      append(log, chunk("a", 2, 3));
      assertThat(drain(viewer, 50)).extracting(e -> e.kind() + ":" + e.chunkIndex())
          .containsExactly("CHUNK:1", "CHUNK:2", "END:-1");
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) { // nothing of the failed write survives
      assertThat(log.chunkIndices("a")).containsExactly(0, 1, 2);
      assertThat(drain(log.reader(0L, Subscription.ALL), 50)).hasSize(5);
    }
  }

  @Test
  void aSecondLogOnTheSameRunsDirRefusesToOpenNamingTheDirectoryAndTheHolder() {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      append(log, chunk("a", 0, 2));
      assertThatThrownBy(() -> FileReplayLog.open(LogFixtures.options(runs)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("ECHELON_RUNS_DIR " + runs.toAbsolutePath())
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      assertThat(append(log, chunk("a", 1, 2)).ended()).as("the first log is untouched").isTrue();
    }
    try (FileReplayLog again = FileReplayLog.open(LogFixtures.options(runs))) { // released on close
      assertThat(again.catalog().find("a").orElseThrow().complete()).isTrue();
    }
  }

  @Test
  void aFailedFirstChunkLeavesNoReplayBehind() {
    LogFixtures.FullDisk disk = new LogFixtures.FullDisk();
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs), disk, java.time.InstantSource.system())) {
      disk.budget.set(0);
      assertThatThrownBy(() -> append(log, chunk("a", 0, 2))).hasMessageContaining("full");
      assertThat(log.catalog().size()).isZero();
      assertThat(runs.resolve("replays/a")).doesNotExist();
      disk.budget.set(Long.MAX_VALUE);
      assertThat(append(log, chunk("a", 0, 2)).started()).isTrue();
    }
  }

  @Test
  void aRecordCorruptedInPlaceIsSkippedAndARePushRepairsIt() throws Exception {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      for (int i = 0; i < 3; i++) append(log, chunk("a", i, 3));
    }
    Path file = runs.resolve("replays/a/replay.log");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length() - 10); // inside the last record's payload: same size, wrong bytes
      f.write(new byte[] {1, 2, 3, 4});
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      List<LogEvent> events = drain(log.reader(0L, Subscription.ALL), 50);
      assertThat(events).extracting(e -> e.kind() + ":" + e.chunkIndex())
          .containsExactly("START:-1", "CHUNK:0", "CHUNK:1", "END:-1");
      Appended repaired = append(log, chunk("a", 2, 3));
      assertThat(repaired.duplicate()).isFalse();
      assertThat(plain(log.chunk("a", 2).orElseThrow())).contains("\"chunk_index\":2");
    }
  }

  @Test
  void aResumeGetsExactlyWhatItMissedAndAnUnknownIdResyncs() throws Exception {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      append(log, chunk("a", 0, 3));
      EventReader first = log.reader(null, Subscription.ALL);
      drain(first, 50);
      long seen = first.position();
      append(log, chunk("a", 1, 3));
      append(log, chunk("a", 2, 3));
      assertThat(drain(log.reader(seen, Subscription.ALL), 50)).extracting(e -> e.kind() + ":" + e.chunkIndex())
          .containsExactly("CHUNK:1", "CHUNK:2", "END:-1");
      List<LogEvent> unknown = drain(log.reader(seen + 1000, Subscription.ALL), 50);
      assertThat(unknown.get(0).kind()).isEqualTo(LogEvent.Kind.RESYNC);
      assertThat(unknown.get(0).latestReplayId()).isEqualTo("a");
      assertThat(unknown.get(1).kind()).isEqualTo(LogEvent.Kind.START);
    }
  }

  @Test
  void aReaderBehindARemovedReplayIsToldToResync() throws Exception {
    TestClock clock = new TestClock();
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs), Storage.disk(), clock)) {
      append(log, chunk("old", 0, 1));
      append(log, chunk("new", 0, 2));
      EventReader behind = log.reader(0L, Subscription.ALL);
      clock.advance(java.time.Duration.ofMinutes(1)); // "old" is complete and quiet: retention may take it
      log.remove(List.of("old"), "test");
      LogEvent e = behind.poll(50_000_000);
      assertThat(e.kind()).isEqualTo(LogEvent.Kind.RESYNC);
      assertThat(e.latestReplayId()).isEqualTo("new");
      assertThat(runs.resolve("replays/old")).doesNotExist();
      assertThat(drain(log.reader(0L, new Subscription(null, "new")), 50).get(0).kind()).isEqualTo(LogEvent.Kind.START);
    }
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) { // the removal is remembered
      assertThat(log.reader(0L, Subscription.ALL).poll(50_000_000).kind()).isEqualTo(LogEvent.Kind.RESYNC);
    }
  }

  @Test
  void appendsToDifferentReplaysOverlap() throws Exception {
    CountDownLatch aWriting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    Storage blocking = new ForwardingStorage(Storage.disk()) {
      @Override public java.nio.channels.FileChannel open(java.nio.file.Path file, java.nio.file.OpenOption... opts)
          throws java.io.IOException {
      if (armed.get() && file.toString().contains("/slow/") && file.toString().endsWith("replay.idx")
          && aWriting.getCount() > 0) {
        aWriting.countDown(); // the slow replay's record is written and forced; hold it here
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
      }
      return java.nio.channels.FileChannel.open(file, opts);
      }
    };
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs), blocking, java.time.InstantSource.system())) {
      append(log, chunk("slow", 0, 2));
      armed.set(true);
      CompletableFuture<Appended> slow = CompletableFuture.supplyAsync(() -> append(log, chunk("slow", 1, 2)));
      assertThat(aWriting.await(10, TimeUnit.SECONDS)).isTrue();
      Appended fast = append(log, chunk("fast", 0, 1)); // completes while "slow" is mid-append
      assertThat(fast.ended()).isTrue();
      assertThat(slow).isNotDone();
      EventReader r = log.reader(log.catalog().find("fast").orElseThrow().firstEventId() - 1, Subscription.ALL);
      assertThat(r.poll(50_000_000)).as("nothing beyond an unfinished append is visible").isNull();
      release.countDown();
      assertThat(slow.get(10, TimeUnit.SECONDS).ended()).isTrue();
      assertThat(drain(r, 50)).extracting(e -> e.replay().replayId() + ":" + e.kind()).contains("fast:START", "fast:END");
    }
  }

  @Test
  void aWaitingReaderWakesWhenAnAppendCommits() throws Exception {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      EventReader r = log.reader(null, Subscription.ALL);
      assertThat(r.poll(20_000_000)).isNull();
      CompletableFuture<LogEvent> next = CompletableFuture.supplyAsync(() -> {
        try {
          return r.poll(10_000_000_000L);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      append(log, chunk("a", 0, 1));
      assertThat(next.get(10, TimeUnit.SECONDS).kind()).isEqualTo(LogEvent.Kind.START);
    }
  }

  @Test
  void aFreshReaderStartsAtTheLatestReplayOfItsSubscription() throws Exception {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      append(log, chunk("old", 0, 1));
      append(log, chunk("a", 0, 2));
      append(log, chunk("b", 0, 2));
      assertThat(drain(log.reader(null, Subscription.ALL), 50)).extracting(e -> e.replay().replayId()).containsOnly("b");
      assertThat(drain(log.reader(null, new Subscription(null, "a")), 50)).extracting(e -> e.replay().replayId())
          .containsOnly("a");
      append(log, chunk("a", 1, 2));
      // "a" is the latest active: its history, and that of every replay that started after it
      assertThat(drain(log.reader(null, Subscription.ALL), 50)).extracting(e -> e.replay().replayId() + ":" + e.kind())
          .containsExactly("a:START", "a:CHUNK", "b:START", "b:CHUNK", "a:CHUNK", "a:END");
    }
  }
}
