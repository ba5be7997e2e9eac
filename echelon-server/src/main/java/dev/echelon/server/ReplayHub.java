package dev.echelon.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Chunk;
import dev.echelon.core.Gzip;
import dev.echelon.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Where pushes meet viewers. One lock orders accepting a chunk, archiving it and publishing its
 * events against a viewer's subscription, so a viewer that joins mid-replay gets the archived
 * chunks up to a point and the live ones after it: in order, with no gap and no duplicate.
 */
final class ReplayHub {
  private static final Logger LOG = System.getLogger(ReplayHub.class.getName());

  private final Object lock = new Object();
  private final WorldStore worlds;
  private final ReplayArchive archive;
  private final Broadcaster broadcaster;
  private final ReplayTracker tracker;

  ReplayHub(WorldStore worlds, ReplayArchive archive, Broadcaster broadcaster) {
    this.worlds = worlds;
    this.archive = archive;
    this.broadcaster = broadcaster;
    this.tracker = new ReplayTracker(archive::find);
  }

  /** What a push did. */
  record Pushed(ReplayTracker.Result result, int notified) {}

  Pushed push(Chunk c, StoredWorld world) {
    byte[] chunkEvent = chunkEvent(c);
    byte[] gz = Gzip.compress(chunkEvent); // compress outside the lock
    synchronized (lock) {
      ReplayTracker.Result r = tracker.accept(c);
      if (r.outcome() == ReplayTracker.Outcome.DUPLICATE) return new Pushed(r, 0);
      archive.store(c, gz, chunkEvent.length, r.complete());
      String id = c.replayId();
      String run = archive.find(id).runName();
      if (r.started()) {
        broadcaster.publish("replay_start", startEvent(id, c.worldRef(), c.knownTotal(), c.meta(), c.run(), world), id, run);
      }
      int n = broadcaster.publish("replay_chunk", chunkEvent, id, run);
      if (r.ended()) broadcaster.publish("replay_end", endEvent(id), id, run);
      if (r.started() || r.ended()) archive.enforceRetention();
      return new Pushed(r, n);
    }
  }

  /** A registered viewer and what it must be sent before live events. */
  record Subscribed(SseClient client, Iterator<SseEvent> backlog, long resumeId) {}

  /**
   * Registers a viewer. With {@code lastEventId} it resumes from the event history (or gets a
   * {@code resync} event when that is too old); without, it catches up on the latest replay.
   */
  Subscribed subscribe(Long lastEventId, Subscription filter) {
    synchronized (lock) {
      SseClient client = broadcaster.connect(filter);
      if (client == null) return null;
      if (lastEventId != null) {
        List<SseEvent> missed = broadcaster.historyAfter(lastEventId);
        if (missed != null) return new Subscribed(client, missed.iterator(), 0);
        String latest = archive.latest(filter).map(r -> "\"" + r.id + "\"").orElse("null");
        byte[] data = ("{\"reason\":\"events after " + lastEventId + " are no longer in the server's history\",\"latest\":"
            + latest + "}").getBytes(StandardCharsets.UTF_8);
        return new Subscribed(client, List.of(new SseEvent(0, "resync", data)).iterator(), broadcaster.lastEventId());
      }
      ArchivedReplay latest = archive.latest(filter).orElse(null);
      if (latest == null) return new Subscribed(client, Collections.emptyIterator(), broadcaster.lastEventId());
      return new Subscribed(client, new CatchUp(latest), broadcaster.lastEventId());
    }
  }

  /**
   * The archived part of a replay as events, read lazily on the viewer's own thread. The snapshot
   * of indices is taken under the lock; files are complete once their index is in it.
   */
  private final class CatchUp implements Iterator<SseEvent> {
    private final ArchivedReplay replay;
    private final String worldRef;
    private final Integer total;
    private final JsonNode meta;
    private final JsonNode run;
    private final String runName;
    private final int[] indices;
    private final boolean complete;
    private int next = -1; // -1: start event; indices.length: end event
    private SseEvent pending;

    CatchUp(ArchivedReplay r) {
      this.replay = r;
      this.worldRef = r.worldRef;
      this.total = r.total;
      this.meta = r.meta;
      this.run = r.run;
      this.runName = r.runName();
      this.indices = r.received.stream().toArray();
      this.complete = r.complete;
    }

    @Override public boolean hasNext() {
      while (pending == null && next <= indices.length) {
        if (next == -1) {
          StoredWorld w = worlds.find(worldRef).orElse(null);
          if (w == null) {
            LOG.log(Level.WARNING, "catch-up: world " + worldRef + " of replay " + replay.id + " is gone; skipping it");
            return false;
          }
          pending = new SseEvent(0, "replay_start", startEvent(replay.id, worldRef, total, meta, run, w), replay.id, runName);
        } else if (next < indices.length) {
          byte[] data = archive.readChunk(replay, indices[next]).orElse(null);
          if (data != null) pending = new SseEvent(0, "replay_chunk", data, replay.id, runName);
        } else if (complete) {
          pending = new SseEvent(0, "replay_end", endEvent(replay.id), replay.id, runName);
        }
        next++;
      }
      return pending != null;
    }

    @Override public SseEvent next() {
      if (!hasNext()) throw new NoSuchElementException();
      SseEvent e = pending;
      pending = null;
      return e;
    }
  }

  static byte[] chunkEvent(Chunk c) {
    var out = new ByteArrayOutputStream(c.frames().size() + 96);
    try {
      out.write(("{\"replay_id\":\"" + c.replayId() + "\",\"chunk_index\":" + c.chunkIndex() + ",\"frames\":")
          .getBytes(StandardCharsets.US_ASCII));
      c.frames().writeTo(out);
      out.write('}');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] startEvent(String id, String worldRef, Integer total, JsonNode meta, JsonNode run, StoredWorld world) {
    var out = new ByteArrayOutputStream(world.json().length + 512);
    try {
      out.write(("{\"replay_id\":\"" + id + "\",\"world_ref\":\"" + worldRef + "\",\"chunk_count\":" + total
          + ",\"meta\":" + json(meta) + ",\"run\":" + json(run) + ",\"world\":").getBytes(StandardCharsets.UTF_8));
      out.write(world.json());
      out.write('}');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] endEvent(String id) {
    return ("{\"replay_id\":\"" + id + "\"}").getBytes(StandardCharsets.US_ASCII);
  }

  private static String json(JsonNode node) throws JsonProcessingException {
    return node == null ? "null" : Json.mapper().writeValueAsString(node);
  }

  /** Runs {@code action} under the hub's lock, for readers of the archive index. */
  <T> T locked(java.util.function.Supplier<T> action) {
    synchronized (lock) {
      return action.get();
    }
  }
}
