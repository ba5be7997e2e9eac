package dev.echelon.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.echelon.server.log.Payload;
import dev.echelon.server.log.ReplayLog;
import dev.echelon.server.log.StoredWorld;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A stored replay as the simulator writes it, {@code {"world": ..., "frames": [...]}} gzipped, so it
 * can be run again, shared or pushed elsewhere. Chunks are read one at a time and their frames copied
 * as tokens: memory holds one chunk, never the replay.
 */
final class ReplayDownload {
  private static final JsonFactory JSON = new JsonFactory();

  private ReplayDownload() {}

  /**
   * Writes the file; the chunks are those stored (a gap a damaged chunk left stays a gap).
   *
   * @return how many chunks went in
   */
  static int write(ReplayLog log, String id, StoredWorld world, List<Integer> chunks, OutputStream out)
      throws IOException {
    int written = 0;
    var gzip = new GZIPOutputStream(out, 1 << 16);
    try (JsonGenerator g = JSON.createGenerator(gzip)) {
      g.setRootValueSeparator(null);
      g.writeRaw("{\"world\":");
      g.flush();
      gzip.write(world.json());
      g.writeRaw(",\"frames\":[");
      boolean first = true;
      for (int index : chunks) {
        Payload p = log.chunk(id, index).orElse(null);
        if (p == null) continue; // removed or damaged since it was listed
        var plain = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, p.plainLength()));
        p.writePlain(plain);
        first = copyFrames(plain.toByteArray(), g, first);
        written++;
      }
      g.writeRaw("]}");
    }
    return written;
  }

  /** Copies the frames of one stored chunk, each after a comma unless it is the file's first. */
  private static boolean copyFrames(byte[] chunk, JsonGenerator g, boolean first) throws IOException {
    try (JsonParser p = JSON.createParser(chunk)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("a stored chunk is not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!"frames".equals(field) || value != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (!first) g.writeRaw(',');
          first = false;
          g.copyCurrentStructure(p);
        }
      }
    }
    return first;
  }

  /** The file name a download is saved under. */
  static String fileName(String id) {
    return id + ".json.gz"; // replay ids are [A-Za-z0-9_-]: nothing to quote
  }
}
