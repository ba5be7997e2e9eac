package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** RUNS_DIR on a real, small tmpfs that fills up mid-push. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class DiskFullIT {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;

  /** A chunk whose frames barely compress, so its record needs real space. */
  static String chunk(String id, String hash, int index, int count) {
    SplittableRandom rnd = new SplittableRandom(index);
    StringBuilder noise = new StringBuilder();
    for (int i = 0; i < 12_000; i++) noise.append(Long.toString(rnd.nextLong(), 36));
    return "{\"replay_id\":\"" + id + "\",\"world_ref\":\"" + hash + "\",\"chunk_index\":" + index + ",\"chunk_count\":"
        + count + ",\"frames\":[{\"t\":" + index + ",\"noise\":\"" + noise + "\"}]}";
  }

  @Test
  void aFullDiskRefusesAChunkWith507AndItsRetryIsStoredOnceSpaceIsFreed() throws Exception {
    Tmpfs disk = Tmpfs.mount(tmp, "4m");
    assumeTrue(disk != null, "skipped: mounting a tmpfs needs root (CI runs as root)");
    try (disk; TestServer s = TestServer.start(disk.dir); SseReader viewer = new SseReader(s.url("/events"))) {
      String hash = s.putSmallWorld();
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 3; i++) sent.add(chunk("full", hash, i, 3));
      assertThat(s.post("/push", sent.get(0)).status()).isEqualTo(200);
      Path filler = disk.fill();

      TestServer.Answer refused = s.post("/push", sent.get(1));
      assertThat(refused.status()).isEqualTo(507);
      String detail = refused.json().get("detail").asText();
      assertThat(detail).contains("ECHELON_RUNS_DIR").contains("full").contains("chunk 1 of replay full")
          .doesNotContain("replay.log").doesNotContain("Exception");
      assertThat(s.get("/replays/full").json().get("chunks_received").asInt()).isEqualTo(1);
      assertThat(s.get("/health").status()).isEqualTo(200);

      Files.delete(filler);
      TestServer.Answer retried = s.post("/push", sent.get(1));
      assertThat(retried.json().get("status").asText()).as("the retry is stored, not a duplicate").isEqualTo("ok");
      assertThat(s.post("/push", sent.get(2)).json().get("status").asText()).isEqualTo("ok");

      assertThat(viewer.next(WAIT).name()).isEqualTo("replay_start");
      for (int i = 0; i < 3; i++) {
        SseReader.Event e = viewer.next(WAIT);
        assertThat(e.json().get("chunk_index").asInt()).isEqualTo(i);
        assertThat(e.json().get("frames")).isEqualTo(TestServer.parse(sent.get(i)).get("frames"));
      }
      assertThat(viewer.next(WAIT).name()).isEqualTo("replay_end");
      Thread.sleep(300);
      assertThat(viewer.events).as("every chunk exactly once").isEmpty();
      for (int i = 0; i < 3; i++) {
        JsonNode stored = s.get("/replays/full/chunks/" + i).json();
        assertThat(stored.get("frames")).isEqualTo(TestServer.parse(sent.get(i)).get("frames"));
      }
    }
  }
}
