package dev.echelon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Chunk;
import dev.echelon.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Every accepted chunk on disk under {@code RUNS_DIR/replays/<id>/}: one gzip file per chunk (the
 * {@code replay_chunk} event payload) and a manifest, both written to a temporary name and renamed.
 * The heap holds only the index; retention keeps the archive within its byte and replay budgets.
 * Not thread-safe: the {@link ReplayHub} lock serialises writers.
 */
final class ReplayArchive {
  private static final Logger LOG = System.getLogger(ReplayArchive.class.getName());
  private static final Pattern CHUNK_FILE = Pattern.compile("chunk-(\\d{6})\\.json\\.gz");
  /** A replay updated more recently than this is still receiving and is never deleted. */
  static final double RECEIVING_S = 300;

  private final Path dir;
  private final long maxBytes;
  private final int maxReplays;
  private final Map<String, ArchivedReplay> index = new HashMap<>();
  private long diskBytes;

  ReplayArchive(Path runsDir, long maxBytes, int maxReplays) {
    this.dir = runsDir.resolve("replays");
    this.maxBytes = maxBytes;
    this.maxReplays = maxReplays;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + "; check ECHELON_RUNS_DIR", e);
    }
    recover();
  }

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  ArchivedReplay find(String id) {
    return index.get(id);
  }

  /** The most recently active replay a subscription covers. */
  Optional<ArchivedReplay> latest(Subscription filter) {
    return index.values().stream().filter(r -> filter.matches(r.id, r.runName()))
        .max(Comparator.comparingDouble((ArchivedReplay r) -> r.updatedAt));
  }

  /** Every replay in the index, for grouping by run. */
  java.util.Collection<ArchivedReplay> all() {
    return index.values();
  }

  boolean receiving(ArchivedReplay r) {
    return !r.complete && now() - r.updatedAt < RECEIVING_S;
  }

  /** Stores an accepted chunk; {@code gzEvent} is the gzip of its replay_chunk payload. */
  void store(Chunk c, byte[] gzEvent, long eventBytes, boolean complete) {
    ArchivedReplay r = index.get(c.replayId());
    if (r == null) {
      r = new ArchivedReplay(c.replayId(), c.worldRef(), now());
      index.put(r.id, r);
    }
    Path rdir = dir.resolve(r.id);
    try {
      Files.createDirectories(rdir);
      AtomicFiles.write(rdir.resolve(chunkName(c.chunkIndex())), gzEvent);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot archive chunk " + c.chunkIndex() + " of replay " + r.id + " in " + rdir
          + ": " + e.getMessage() + "; check free disk space", e);
    }
    Long old = r.fileBytes.put(c.chunkIndex(), (long) gzEvent.length);
    diskBytes += gzEvent.length - (old == null ? 0 : old);
    r.received.set(c.chunkIndex());
    if (c.knownTotal() != null) r.total = c.knownTotal();
    r.frames += c.frameCount();
    r.bytes += eventBytes;
    if (c.meta() != null) r.meta = c.meta();
    if (c.run() != null) r.run = c.run();
    r.updatedAt = now();
    r.complete = complete;
    writeManifest(r);
  }

  /** The stored payload of chunk {@code i}, or empty when missing; a corrupt file is reported and skipped. */
  Optional<byte[]> readChunk(ArchivedReplay r, int i) {
    Path file = dir.resolve(r.id).resolve(chunkName(i));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return Optional.of(in.readAllBytes());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "archive: chunk file " + file + " is corrupt or truncated (" + e.getMessage()
          + "); skipping it");
      return Optional.empty();
    }
  }

  /** Summaries, newest first, started before {@code before} (seconds since the epoch). */
  List<ArchivedReplay> list(int limit, double before) {
    return index.values().stream()
        .filter(r -> r.startedAt < before)
        .sorted(Comparator.comparingDouble((ArchivedReplay r) -> r.startedAt).reversed())
        .limit(limit)
        .toList();
  }

  int size() {
    return index.size();
  }

  long diskBytes() {
    return diskBytes;
  }

  /** Deletes the oldest replays until both budgets hold; never one still receiving chunks. */
  void enforceRetention() {
    if (index.size() <= maxReplays && diskBytes <= maxBytes) return;
    List<ArchivedReplay> oldest = new ArrayList<>(index.values());
    oldest.sort(Comparator.comparingDouble(r -> r.startedAt));
    for (ArchivedReplay r : oldest) {
      if (index.size() <= maxReplays && diskBytes <= maxBytes) break;
      if (receiving(r)) continue;
      delete(r);
    }
  }

  private void delete(ArchivedReplay r) {
    index.remove(r.id);
    diskBytes -= r.diskBytes();
    Path rdir = dir.resolve(r.id);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(rdir)) {
      for (Path f : files) Files.deleteIfExists(f);
      Files.deleteIfExists(rdir);
      LOG.log(Level.INFO, "archive: retention removed replay " + r.id);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "archive: could not remove " + rdir + ": " + e.getMessage());
    }
  }

  private void writeManifest(ArchivedReplay r) {
    Path rdir = dir.resolve(r.id);
    try {
      AtomicFiles.write(rdir.resolve("manifest.json"), Json.mapper().writeValueAsBytes(r.manifest()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest of replay " + r.id + ": " + e.getMessage(), e);
    }
  }

  /** Rebuilds the index from disk, reporting (not failing on) damaged files. */
  private void recover() {
    int replays = 0;
    int problems = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path rdir : dirs) {
        String id = rdir.getFileName().toString();
        if (!Chunk.isValidReplayId(id)) continue;
        ArchivedReplay r;
        try {
          r = ArchivedReplay.fromManifest(Json.mapper().readTree(rdir.resolve("manifest.json").toFile()));
        } catch (IOException | RuntimeException e) {
          LOG.log(Level.WARNING, "archive: replay " + id + " has no readable manifest (" + e.getMessage() + "); skipped");
          problems++;
          continue;
        }
        problems += reconcile(r, rdir);
        index.put(r.id, r);
        diskBytes += r.diskBytes();
        replays++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the archive in " + dir, e);
    }
    if (replays > 0 || problems > 0) {
      LOG.log(Level.INFO, "archive: recovered " + replays + " replays (" + diskBytes / 1_000_000 + " MB) from " + dir
          + (problems > 0 ? ", " + problems + " problem(s) reported above" : ""));
    }
  }

  /** Drops chunks whose file is missing or truncated; adopts valid chunk files the manifest missed. */
  private int reconcile(ArchivedReplay r, Path rdir) throws IOException {
    int problems = 0;
    for (int i = r.received.nextSetBit(0); i >= 0; i = r.received.nextSetBit(i + 1)) {
      Path f = rdir.resolve(chunkName(i));
      Long expected = r.fileBytes.get(i);
      long actual = Files.exists(f) ? Files.size(f) : -1;
      if (expected == null || actual != expected) {
        LOG.log(Level.WARNING, "archive: replay " + r.id + " chunk " + i + " is " + (actual < 0 ? "missing" : "truncated ("
            + actual + " of " + expected + " bytes)") + "; skipped");
        r.received.clear(i);
        r.fileBytes.remove(i);
        r.complete = false;
        problems++;
      }
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(rdir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.endsWith(".tmp")) {
          Files.deleteIfExists(f); // a write the crash interrupted
          continue;
        }
        Matcher m = CHUNK_FILE.matcher(name);
        if (!m.matches() || r.received.get(Integer.parseInt(m.group(1)))) continue;
        int i = Integer.parseInt(m.group(1));
        Optional<byte[]> data = readChunk(r, i);
        if (data.isEmpty()) {
          problems++;
          continue;
        }
        JsonNode event = Json.mapper().readTree(data.get());
        r.received.set(i);
        r.fileBytes.put(i, Files.size(f));
        r.frames += event.path("frames").size();
        r.bytes += data.get().length;
      }
    }
    if (r.total != null && r.received.cardinality() == r.total) r.complete = true;
    return problems;
  }

  static String chunkName(int i) {
    return String.format("chunk-%06d.json.gz", i);
  }
}
