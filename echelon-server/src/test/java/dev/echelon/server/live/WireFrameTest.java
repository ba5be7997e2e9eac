package dev.echelon.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echelon.server.log.Payload;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class WireFrameTest {
  private static final String JSON = "{\"replay_id\":\"r\",\"chunk_index\":3,\"frames\":[" + "{\"t\":1.5,\"s\":\"é\"},".repeat(5000)
      + "{}]}";
  private static final String EVENT = "id: 42\nevent: replay_chunk\ndata: " + JSON + "\n\n";

  private static Payload payload() {
    byte[] b = JSON.getBytes(StandardCharsets.UTF_8);
    return Payload.deflate(List.of(new Payload.Slice(b, 0, 100), new Payload.Slice(b, 100, b.length - 100)));
  }

  @Test
  void aPlainFrameIsTheEventAsTheProtocolWritesIt() {
    WireFrame f = WireFrame.of(42, "replay_chunk", payload(), false);
    assertThat(new String(f.bytes(), StandardCharsets.UTF_8)).isEqualTo(EVENT);
    assertThat(f.plainLength()).isEqualTo(EVENT.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void gzipFramesOfSeveralEventsSpliceIntoOneGzipStreamThatDecodesToThePlainEvents() throws Exception {
    WireFrame a = WireFrame.of(42, "replay_chunk", payload(), true);
    WireFrame b = WireFrame.of(42, "replay_chunk", payload(), true);
    assertThat(a.bytes().length).as("deflated, not stored").isLessThan(EVENT.length() / 5);
    var stream = new ByteArrayOutputStream();
    stream.writeBytes(Payload.GZIP_HEADER);
    stream.writeBytes(a.bytes());
    stream.writeBytes(b.bytes());
    int crc = dev.echelon.server.log.Crc32Combine.combine(a.crc32(), b.crc32(), b.plainLength());
    stream.writeBytes(Payload.gzipTrailer(crc, a.plainLength() + b.plainLength()));
    // GZIPInputStream checks the trailer's CRC and length: a wrong one throws
    byte[] plain = new GZIPInputStream(new ByteArrayInputStream(stream.toByteArray())).readAllBytes();
    assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(EVENT + EVENT);
  }

  @Test
  void aPayloadHeldOnlyDeflatedIsInflatedIntoItsPlainFrame() {
    Payload deflatedOnly = Payload.ofDeflated(payload().deflatedBytes(), payload().plainLength(), payload().crc32());
    assertThat(deflatedOnly.plainHeld()).isFalse();
    assertThat(new String(WireFrame.of(42, "replay_chunk", deflatedOnly, false).bytes(), StandardCharsets.UTF_8))
        .isEqualTo(EVENT);
  }

  @Test
  void framesAreMadeOncePerEventAndEncodingAndShared() {
    WireFrames frames = new WireFrames(1 << 20);
    WireFrame first = frames.chunk(42, payload(), true);
    assertThat(frames.chunk(42, payload(), true)).isSameAs(first);
    assertThat(frames.chunk(42, payload(), false)).isNotSameAs(first);
    assertThat(frames.chunk(43, payload(), true)).isNotSameAs(first);
    WireFrames none = new WireFrames(0); // no cache: each viewer frames for itself, the same bytes
    assertThat(none.chunk(42, payload(), true)).isNotSameAs(none.chunk(42, payload(), true));
    assertThat(none.chunk(42, payload(), true).bytes()).isEqualTo(first.bytes());
  }
}
