package dev.echelon.server.log;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import dev.echelon.core.WorldHash;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Brings replays archived by the previous version ({@code manifest.json} and one
 * {@code chunk-NNNNNN.json.gz} per chunk) into the log once, at start-up, so an upgrade keeps the
 * archive. Chunks are appended as records with new event ids and their original times; the old
 * files are removed only after the new log is durable. A manifest that names another replay, or
 * anything unreadable, is reported and the folder left as it is.
 */
final class LegacyImport {
  private static final Logger LOG = System.getLogger(LegacyImport.class.getName());
  private static final Pattern CHUNK_FILE = Pattern.compile("chunk-(\\d{6,9})\\.json\\.gz");
  private static final long MAX_CHUNK_BYTES = 256L << 20;

  private LegacyImport() {}

  /**
   * True while a folder still holds an archive of the earlier format: its manifest goes last, so a
   * folder whose import a crash stopped is found again and the import goes on (chunks already in
   * the log are duplicates).
   */
  static boolean isLegacy(Storage storage, Path rdir) {
    return storage.kind(rdir.resolve("manifest.json")) == Storage.Kind.FILE;
  }

  static void run(FileReplayLog log, Storage storage, Path rdir) {
    String id = rdir.getFileName().toString();
    try {
      JsonNode m = Json.mapper().readTree(storage.readAllBytes(rdir.resolve("manifest.json")));
      String named = m.path("replay_id").asText();
      String world = m.path("world_ref").asText();
      if (!id.equals(named) || !WorldHash.isValid(world)) {
        FileReplayLog.report("replay folder " + id + " holds a manifest of the earlier format naming replay \""
            + named + "\"; refused and left as it is");
        return;
      }
      Integer count = m.path("chunk_count").canConvertToInt() && m.path("chunk_count").asInt() > 0
          ? m.get("chunk_count").asInt() : null;
      long startedMillis = (long) (m.path("started_at").asDouble(log.clock.millis() / 1000.0) * 1000);
      byte[] meta = m.path("meta").isObject() ? Json.mapper().writeValueAsBytes(m.get("meta")) : null;
      byte[] run = m.path("run").isObject() ? Json.mapper().writeValueAsBytes(m.get("run")) : null;
      TreeMap<Integer, Path> files = new TreeMap<>();
      for (Path f : storage.list(rdir)) {
        Matcher mt = CHUNK_FILE.matcher(f.getFileName().toString());
        if (mt.matches() && storage.kind(f) == Storage.Kind.FILE) files.put(Integer.parseInt(mt.group(1)), f);
      }
      int imported = 0;
      for (var e : files.entrySet()) {
        int index = e.getKey();
        if (count != null && index >= count) continue;
        byte[] payload;
        try (InputStream in = new GZIPInputStream(storage.newInputStream(e.getValue()))) {
          payload = in.readNBytes((int) MAX_CHUNK_BYTES);
        } catch (IOException damaged) {
          FileReplayLog.report("replay " + id + ": old chunk file " + e.getValue().getFileName() + " is unreadable ("
              + damaged.getMessage() + "); not imported");
          continue;
        }
        int frames = countFrames(payload);
        if (frames < 0) continue;
        boolean first = imported == 0;
        PushedChunk c = new PushedChunk(id, world, index, count, false, Payload.Slice.of(payload), frames,
            first ? meta : null, first ? run : null, first ? ReplaySummary.runName(run) : null);
        log.append(c, x -> Payload.deflate(List.of(Payload.Slice.of(payload))), startedMillis + imported);
        imported++;
      }
      if (imported == 0) {
        FileReplayLog.report("replay " + id + " of the earlier format holds no readable chunk; left as it is");
        return;
      }
      for (Path f : files.values()) storage.deleteIfExists(f);
      storage.deleteIfExists(rdir.resolve("manifest.json"));
      LOG.log(Level.INFO, "replay log: imported replay " + id + " (" + imported + " chunks) from the earlier archive format");
    } catch (IOException | RuntimeException e) {
      FileReplayLog.report("replay " + id + " of the earlier format cannot be imported (" + e.getMessage()
          + "); left as it is");
    }
  }

  /** Frames in a {@code replay_chunk} payload, or -1 when it is not one. */
  private static int countFrames(byte[] payload) {
    try (JsonParser p = Json.mapper().createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return -1;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("frames") && t == JsonToken.START_ARRAY) {
          int n = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
            n++;
          }
          return n;
        }
        p.skipChildren();
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
