package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /replays/{id}/chunks/{i}} streams a stored chunk: a client that never reads holds no copy of it. */
@Timeout(120)
class ChunkDownloadIT {
  @TempDir Path runs;

  static long heapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void fiftyClientsThatNeverReadATwentyMegabyteChunkHoldNoCopiesOfIt() throws Exception {
    try (TestServer s = new TestServer(ServerConfig.forTesting(runs).newBuilder().tailCacheBytes(0).build())) {
      String hash = s.putSmallWorld();
      StringBuilder frames = new StringBuilder("[");
      java.util.Random r = new java.util.Random(7);
      while (frames.length() < 20_000_000) {
        if (frames.length() > 1) frames.append(',');
        frames.append("{\"t\":").append(frames.length()).append(",\"v\":").append(r.nextDouble()).append('}');
      }
      String frameJson = frames.append(']').toString();
      assertThat(s.post("/push", "{\"replay_id\":\"big\",\"world_ref\":\"" + hash
          + "\",\"chunk_index\":0,\"chunk_count\":1,\"frames\":" + frameJson + "}").status()).isEqualTo(200);
      String expected = "{\"replay_id\":\"big\",\"chunk_index\":0,\"frames\":" + frameJson + "}";

      long before = heapAfterGc();
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          Socket socket = new Socket("127.0.0.1", s.server.port());
          socket.setReceiveBufferSize(4096);
          OutputStream out = socket.getOutputStream();
          out.write(("GET /replays/big/chunks/0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          idle.add(socket);
        }
        for (Socket socket : idle) socket.getInputStream().read(new byte[16]); // every answer is under way
        long held = heapAfterGc() - before;
        assertThat(held).as("heap held by 50 stalled downloads of a 20 MB chunk").isLessThan(64L << 20);
        assertThat(s.get("/health").status()).isEqualTo(200);
        try (Response plain = s.http.newCall(new Request.Builder().url(s.url("/replays/big/chunks/0"))
            .header("Accept-Encoding", "identity").build()).execute()) {
          assertThat(plain.header("Content-Length")).isEqualTo(String.valueOf(expected.length()));
          assertThat(plain.body().string()).isEqualTo(expected);
        }
        try (Response gz = s.http.newCall(new Request.Builder().url(s.url("/replays/big/chunks/0"))
            .header("Accept-Encoding", "gzip").build()).execute()) {
          assertThat(gz.header("Content-Encoding")).isEqualTo("gzip");
          assertThat(new String(new GZIPInputStream(gz.body().byteStream()).readAllBytes(), StandardCharsets.UTF_8))
              .isEqualTo(expected);
        }
      } finally {
        for (Socket socket : idle) socket.close();
      }
    }
  }

  @Test
  void aReplayDownloadsAsTheSimulatorsOwnFileWithItsWorldAndEveryFrameInOrder() throws Exception {
    var replay = TestServer.fixture("replay-20x20-seed0.json.gz");
    var frames = (com.fasterxml.jackson.databind.node.ArrayNode) replay.get("frames");
    try (TestServer s = TestServer.start(runs)) {
      String hash = s.putWorld(replay.get("world")).json().get("world_hash").asText();
      s.pushReplay("whole", hash, frames, 37); // chunks of 37 frames: the last one shorter

      try (Response file = s.http.newCall(new Request.Builder().url(s.url("/replays/whole/file")).build()).execute()) {
        assertThat(file.code()).isEqualTo(200);
        assertThat(file.header("Content-Type")).isEqualTo("application/gzip");
        assertThat(file.header("Content-Disposition")).isEqualTo("attachment; filename=\"whole.json.gz\"");
        int chunks = (frames.size() + 36) / 37;
        assertThat(file.header("X-Echelon-Chunks")).isEqualTo(chunks + "/" + chunks);
        var got = TestServer.parse(new String(new GZIPInputStream(file.body().byteStream()).readAllBytes(),
            StandardCharsets.UTF_8));
        assertThat(got.get("world")).isEqualTo(replay.get("world"));
        assertThat(got.get("frames")).isEqualTo(frames);
      }
      assertThat(s.get("/replays/nothere/file").status()).isEqualTo(404);
      assertThat(s.get("/replays/nothere/file").json().get("detail").asText()).contains("not in the archive");
      assertThat(s.get("/replays/bad$id/file").status()).isEqualTo(400);
    }
  }
}
