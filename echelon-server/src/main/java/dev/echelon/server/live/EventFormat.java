package dev.echelon.server.live;

import dev.echelon.server.log.Payload;
import dev.echelon.server.log.PushedChunk;
import dev.echelon.server.log.ReplaySummary;
import dev.echelon.server.log.StoredWorld;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The wire format of PROTOCOL.md §3 in one place: SSE framing (id, event name, one {@code data:}
 * line), comments, and the JSON payloads of {@code replay_start}, {@code replay_chunk},
 * {@code replay_end} and {@code resync}. Payloads come out in both forms ({@link Payload}); the
 * chunk payload is made once per push, deflated, and never again.
 */
public final class EventFormat {
  /** The first bytes of every stream: a reconnect delay for EventSource, and a comment. */
  static final byte[] PREAMBLE = ascii("retry: 1000\n: connected\n\n");
  /** A probe's comment: a connection whose peer is gone fails the second of two. */
  static final byte[] PING = ascii(":\n");
  static final byte[] END_BYTES = ascii("\n\n");
  static final Payload END_OF_EVENT = Payload.small(END_BYTES);

  private EventFormat() {}

  static byte[] head(long id, String name) {
    return ascii("id: " + id + "\nevent: " + name + "\ndata: ");
  }

  /** The last line of a stream the server ends: why, as a comment (EventSource ignores it; people and tools read it). */
  static byte[] closed(String reason) {
    return ascii(": closed: " + reason.replace('\n', ' ') + "\n\n");
  }

  static byte[] keepalive(long unixSeconds) {
    return ascii(": keepalive " + unixSeconds + "\n\n");
  }

  /** {@code {"replay_id","chunk_index","frames"}} around the pushed frames, deflated once. */
  public static Payload chunk(PushedChunk c) {
    byte[] prefix = ascii("{\"replay_id\":\"" + c.replayId() + "\",\"chunk_index\":" + c.chunkIndex() + ",\"frames\":");
    return Payload.deflate(List.of(Payload.Slice.of(prefix), c.frames(), Payload.Slice.of(ascii("}"))));
  }

  /** {@code {"replay_id","world_ref","chunk_count","meta","run","world"}}; the world's deflated form is shared. */
  static Payload start(ReplaySummary r, StoredWorld world) {
    var head = new ByteArrayOutputStream(256);
    head.writeBytes(ascii("{\"replay_id\":\"" + r.replayId() + "\",\"world_ref\":\"" + r.worldRef()
        + "\",\"chunk_count\":" + r.chunkCount() + ",\"meta\":"));
    head.writeBytes(r.meta() == null ? ascii("null") : r.meta());
    head.writeBytes(ascii(",\"run\":"));
    head.writeBytes(r.run() == null ? ascii("null") : r.run());
    head.writeBytes(ascii(",\"world\":"));
    return Payload.concat(Payload.small(head.toByteArray()), world.payload(), Payload.small(ascii("}")));
  }

  static Payload end(String replayId) {
    return Payload.small(ascii("{\"replay_id\":\"" + replayId + "\"}"));
  }

  static Payload resync(String reason, String latestReplayId) {
    String latest = latestReplayId == null ? "null" : "\"" + latestReplayId + "\"";
    return Payload.small(("{\"reason\":" + jsonString(reason) + ",\"latest\":" + latest + "}")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') b.append('\\').append(ch);
      else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
      else b.append(ch);
    }
    return b.append('"').toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
