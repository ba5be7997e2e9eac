package dev.echelon.server.log;

import static dev.echelon.server.log.LogFixtures.append;
import static dev.echelon.server.log.LogFixtures.chunk;
import static dev.echelon.server.log.LogFixtures.drain;
import static dev.echelon.server.log.LogFixtures.plain;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayRecoveryTest {
  @TempDir Path runs;
  final List<String> reports = new ArrayList<>();

  private Path replay(String id, int chunks) {
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      for (int i = 0; i < chunks; i++) append(log, chunk(id, i, chunks));
    }
    return runs.resolve("replays").resolve(id);
  }

  private ReplayRecovery.Recovered recover(Path dir) throws IOException {
    return ReplayRecovery.recover(dir, dir.getFileName().toString(), true, true, reports::add, Storage.disk());
  }

  private static List<Integer> indices(ReplayRecovery.Recovered r) {
    return r.refs().stream().map(ref -> ref.record().chunkIndex()).toList();
  }

  @Test
  void anIntactReplayIsReadFromItsIndexWithoutComplaint() throws IOException {
    Path dir = replay("a", 3);
    ReplayRecovery.Recovered r = recover(dir);
    assertThat(indices(r)).containsExactly(0, 1, 2);
    assertThat(r.refs().get(0).record().meta()).isNotNull();
    assertThat(reports).isEmpty();
  }

  @Test
  void aMissingEmptyOrTornIndexIsRebuiltFromTheRecords() throws IOException {
    Path dir = replay("a", 3);
    byte[] index = Files.readAllBytes(dir.resolve("replay.idx"));
    for (byte[] damaged : List.of(new byte[0], java.util.Arrays.copyOf(index, 50), java.util.Arrays.copyOf(index, index.length - 7))) {
      Files.write(dir.resolve("replay.idx"), damaged);
      reports.clear();
      assertThat(indices(recover(dir))).containsExactly(0, 1, 2);
      assertThat(reports).hasSize(1);
      assertThat(Files.readAllBytes(dir.resolve("replay.idx"))).as("rewritten").isEqualTo(index);
    }
    Files.delete(dir.resolve("replay.idx"));
    assertThat(indices(recover(dir))).containsExactly(0, 1, 2);
    assertThat(reports.get(reports.size() - 1)).contains("missing");
  }

  @Test
  void anIndexNamingAnotherReplayIsRefusedAndRebuilt() throws IOException {
    Path dir = replay("a", 2);
    byte[] index = Files.readAllBytes(dir.resolve("replay.idx"));
    ByteBuffer header = RecordFormat.indexHeader("victim");
    System.arraycopy(header.array(), 0, index, 0, RecordFormat.INDEX_HEADER);
    Files.write(dir.resolve("replay.idx"), index);
    assertThat(indices(recover(dir))).containsExactly(0, 1);
    assertThat(reports).anySatisfy(r -> assertThat(r).contains("names replay \"victim\""));
  }

  @Test
  void aTruncatedLastRecordIsDroppedAndReported() throws IOException {
    Path dir = replay("a", 3);
    Path log = dir.resolve("replay.log");
    long size = Files.size(log);
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.setLength(size - 25);
    }
    ReplayRecovery.Recovered r = recover(dir);
    assertThat(indices(r)).containsExactly(0, 1);
    assertThat(reports).anySatisfy(m -> assertThat(m).contains("torn record"));
    assertThat(Files.size(log)).isEqualTo(r.refs().get(1).end());
  }

  @Test
  void aWholeLastRecordFailingItsChecksumIsKeptAndSkippedWhetherOrNotTheIndexNamesIt() throws IOException {
    Path dir = replay("a", 3);
    Path log = dir.resolve("replay.log");
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.seek(f.length() - 5); // inside the last record's payload: whole, but its checksum fails
      f.write(new byte[] {7, 7});
    }
    long size = Files.size(log);
    byte[] index = Files.readAllBytes(dir.resolve("replay.idx"));
    int withIndex = recover(dir).refs().size(); // the index names it: kept, and found damaged when read
    assertThat(Files.size(log)).isEqualTo(size);
    Files.delete(dir.resolve("replay.idx"));
    ReplayRecovery.Recovered without = recover(dir); // the unforced index never reached the disk
    assertThat(Files.size(log)).as("the same bytes stay, as with the index").isEqualTo(size);
    assertThat(indices(without)).containsExactly(0, 1);
    assertThat(withIndex).isEqualTo(3);
    assertThat(reports).anySatisfy(m -> assertThat(m).contains("is damaged; skipped"));
    Files.write(dir.resolve("replay.idx"), index);
  }

  @Test
  void anIndexHeaderWhoseMetaIsNotJsonIsNotBelieved() throws IOException {
    Path dir = replay("a", 2);
    Path log = dir.resolve("replay.log");
    byte[] bytes = Files.readAllBytes(log);
    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("{\"episode\":1}");
    bytes[at] = 'x'; // the medium damaged chunk 0's meta, which the index path reads without a checksum
    Files.write(log, bytes);
    ReplayRecovery.Recovered r = recover(dir);
    assertThat(indices(r)).containsExactly(1);
    assertThat(r.refs()).allSatisfy(ref -> assertThat(ref.record().meta()).isNull());
  }

  @Test
  void damageInTheMiddleIsSkippedUpToTheNextIntactRecord() throws IOException {
    Path dir = replay("a", 3);
    Files.delete(dir.resolve("replay.idx"));
    Path log = dir.resolve("replay.log");
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.seek(RecordFormat.PRELUDE / 2); // the first record's prelude
      f.write(new byte[] {9, 9, 9, 9, 9, 9});
    }
    assertThat(indices(recover(dir))).containsExactly(1, 2);
    assertThat(reports).anySatisfy(m -> assertThat(m).contains("damaged; skipped"));
  }

  @Test
  void recordsOfAnotherReplayMakeTheDirectoryRefusedAndUntouched() throws IOException {
    Path a = replay("a", 1);
    Path b = replay("b", 1);
    Files.copy(b.resolve("replay.log"), a.resolve("replay.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.delete(a.resolve("replay.idx"));
    byte[] before = Files.readAllBytes(a.resolve("replay.log"));
    assertThat(recover(a)).isNull();
    assertThat(reports).anySatisfy(m -> assertThat(m).contains("holds a record of replay b"));
    assertThat(Files.readAllBytes(a.resolve("replay.log"))).isEqualTo(before);
  }

  @Test
  void anIndexClaimingHugeRecordsIsNotBelieved() throws IOException {
    Path dir = replay("a", 2);
    byte[] index = Files.readAllBytes(dir.resolve("replay.idx"));
    ByteBuffer.wrap(index).putInt(RecordFormat.INDEX_HEADER + 16, Integer.MAX_VALUE); // first entry's length
    Files.write(dir.resolve("replay.idx"), index);
    assertThat(indices(recover(dir))).containsExactly(0, 1);
  }

  @Test
  void theLogServesRecoveredChunksByteForByte() throws Exception {
    Path dir = replay("a", 3);
    Files.write(dir.resolve("replay.idx"), new byte[0]);
    try (FileReplayLog log = FileReplayLog.open(LogFixtures.options(runs))) {
      assertThat(drain(log.reader(0L, Subscription.ALL), 50)).hasSize(5);
      assertThat(plain(log.chunk("a", 2).orElseThrow()))
          .isEqualTo("{\"replay_id\":\"a\",\"chunk_index\":2,\"frames\":" + LogFixtures.frames(2, 3) + "}");
    }
  }
}
