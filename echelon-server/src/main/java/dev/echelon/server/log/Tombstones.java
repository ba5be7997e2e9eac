package dev.echelon.server.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What retention removed, so a viewer is told to resync exactly when events it asked for are
 * gone, across restarts too. Kept in {@code RUNS_DIR/log-state.json} with the highest event id
 * ever handed out, because the replay holding it may be the one deleted. The newest
 * {@value #MAX} removals are kept one by one; older ones fold into a floor below which any resume
 * resyncs.
 */
final class Tombstones {
  static final int MAX = 10_000;

  record Tombstone(String replayId, String runName, long firstEventId, long lastEventId) {
    boolean covers(long after, Subscription filter, long startFloor) {
      return lastEventId > after && firstEventId >= startFloor && filter.matches(replayId, runName);
    }
  }

  private final Storage storage;
  private final Path file;
  private final boolean fsync;
  private final ArrayDeque<Tombstone> list = new ArrayDeque<>();
  private long dropped; // tombstones folded into the floor; list index k is tombstone number dropped + k
  private long floor;
  private long lastEventId;

  private Tombstones(Storage storage, Path file, boolean fsync) {
    this.storage = storage;
    this.file = file;
    this.fsync = fsync;
  }

  static Tombstones load(Storage storage, Path file, boolean fsync, Consumer<String> report) {
    Tombstones t = new Tombstones(storage, file, fsync);
    try {
      JsonNode n = Json.mapper().readTree(storage.readAllBytes(file));
      t.lastEventId = Math.max(0, n.path("last_event_id").asLong());
      t.floor = Math.max(0, n.path("deleted_below").asLong());
      t.dropped = Math.max(0, n.path("dropped").asLong());
      for (JsonNode e : n.path("tombstones")) {
        if (t.list.size() >= MAX) break;
        t.list.add(new Tombstone(e.path("replay_id").asText(), e.path("run").isTextual() ? e.get("run").asText() : null,
            e.path("first").asLong(), e.path("last").asLong()));
      }
    } catch (NoSuchFileException e) {
      // a new log
    } catch (IOException | RuntimeException e) {
      report.accept("the log state " + file.getFileName() + " is unreadable (" + e.getMessage()
          + "); event ids continue from the records, and resumes older than now will resync");
      t.floor = Long.MAX_VALUE; // unknown removals: be safe
    }
    return t;
  }

  /** The highest event id recorded when the state was last written. */
  synchronized long lastEventId() {
    return lastEventId;
  }

  /** Raises the floor so that every resume before {@code id} resyncs (used when the state was unreadable). */
  synchronized void settleFloor(long id) {
    if (floor == Long.MAX_VALUE) floor = id + 1;
  }

  /** Records a removal durably, before its files go. */
  synchronized void add(Tombstone t, long lastReserved) throws IOException {
    list.addLast(t);
    while (list.size() > MAX) {
      floor = Math.max(floor, list.removeFirst().lastEventId() + 1);
      dropped++;
    }
    lastEventId = Math.max(lastEventId, lastReserved);
    save();
  }

  /** Tombstones ever added, as a position readers remember. */
  synchronized long count() {
    return dropped + list.size();
  }

  /**
   * True when something {@code filter} covers after event {@code after} was removed, looking at
   * tombstones from number {@code from} on.
   */
  synchronized boolean lost(long after, Subscription filter, long startFloor, long from) {
    if ((from == 0 || from < dropped) && after < floor) return true;
    int k = 0;
    for (Tombstone t : list) {
      if (dropped + k++ < from) continue;
      if (t.covers(after, filter, startFloor)) return true;
    }
    return false;
  }

  private void save() throws IOException {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("version", 1).put("last_event_id", lastEventId).put("deleted_below", floor).put("dropped", dropped);
    ArrayNode a = n.putArray("tombstones");
    List<Tombstone> copy = new ArrayList<>(list);
    for (Tombstone t : copy) {
      ObjectNode e = a.addObject().put("replay_id", t.replayId()).put("first", t.firstEventId()).put("last", t.lastEventId());
      if (t.runName() != null) e.put("run", t.runName());
    }
    storage.replace(file, Json.mapper().writeValueAsBytes(n), fsync);
  }
}
