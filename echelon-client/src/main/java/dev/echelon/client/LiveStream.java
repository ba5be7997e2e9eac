package dev.echelon.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Chunk;
import dev.echelon.core.RawJson;
import dev.echelon.core.World;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A replay streamed while its episode runs (PROTOCOL.md's live-stream extension): frames are
 * added one at a time, a chunk goes out every N frames on the background sender, and
 * {@link #close()} sends the final chunk. Viewers watch the episode as it is played. Not
 * thread-safe: feed it from the thread that steps the environment.
 */
public final class LiveStream implements AutoCloseable {
  private static final Logger LOG = System.getLogger(EchelonClient.class.getName());

  private final EchelonClient client;
  private final String replayId;
  private final Object worldSource;
  private final Object metaSource;
  private final Object runSource;
  private final CompletableFuture<PushSummary> done = new CompletableFuture<>();
  private final long startNanos = System.nanoTime();
  private List<RawJson> pending = new ArrayList<>();
  private long pendingBytes;
  private int nextIndex;
  private long frames;
  private boolean closed;
  // touched only on the sender thread
  private World world;
  private boolean uploaded;
  private volatile boolean failed;
  private long sentBytes;

  LiveStream(EchelonClient client, String replayId, Object world, Object meta, Object run) {
    this.client = client;
    this.replayId = replayId;
    this.worldSource = world;
    this.metaSource = meta;
    this.runSource = run;
  }

  public String replayId() {
    return replayId;
  }

  /** The viewer page that follows this replay, live while it streams. */
  public String viewerUrl() {
    return client.pusher().viewerUrl(replayId);
  }

  /** Adds a frame; serialises it now (so later mutation is safe) and sends a chunk when one is full. */
  public LiveStream addFrame(Object frame) {
    if (closed) throw new IllegalStateException("stream " + replayId + " is closed");
    RawJson f = JsonPayloads.raw(frame);
    pending.add(f);
    pendingBytes += f.size() + 1;
    frames++;
    if (client.pusher().full(pending.size(), pendingBytes)) flush(false);
    return this;
  }

  /**
   * Adds a frame with RL signals put under each named mech's {@code rl} object (the frame itself is
   * not changed). A mech the frame does not have is added with just its signals.
   */
  public LiveStream addFrame(Object frame, RlSignals rl) {
    java.util.Objects.requireNonNull(rl, "rl");
    JsonNode tree;
    try {
      tree = dev.echelon.core.Json.mapper().readTree(JsonPayloads.raw(frame).toByteArray());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("a frame must be JSON: " + e.getMessage(), e);
    }
    if (!(tree instanceof com.fasterxml.jackson.databind.node.ObjectNode f)) {
      throw new IllegalArgumentException("a frame with RL signals must be a JSON object, got " + tree.getNodeType());
    }
    var mechs = f.has("mechs") && f.get("mechs").isObject() ? (com.fasterxml.jackson.databind.node.ObjectNode) f.get("mechs")
        : f.putObject("mechs");
    rl.byMech().forEach((id, values) -> {
      var mech = mechs.get(id) instanceof com.fasterxml.jackson.databind.node.ObjectNode m ? m : mechs.putObject(id);
      var signals = mech.get("rl") instanceof com.fasterxml.jackson.databind.node.ObjectNode r ? r : mech.putObject("rl");
      values.forEach(signals::put);
    });
    return addFrame(f);
  }

  /** Sends the last chunk, marked final, in the background; returns at once. */
  @Override public void close() {
    if (closed) return;
    closed = true;
    flush(true);
  }

  /** Completes when the final chunk was delivered, or exceptionally when the stream was given up. */
  public CompletableFuture<PushSummary> finished() {
    return done;
  }

  private void flush(boolean last) {
    List<RawJson> batch = pending;
    int index = nextIndex++;
    pending = new ArrayList<>();
    pendingBytes = 0;
    Sender.Job job = new Sender.Job() {
      @Override void run() throws InterruptedException {
        sendChunk(index, batch, last);
      }

      @Override void dropped(String why) {
        super.dropped(why);
        giveUp(why);
      }
    };
    client.sender().submit(job);
  }

  private void sendChunk(int index, List<RawJson> batch, boolean last) throws InterruptedException {
    if (failed) return;
    try {
      if (world == null) {
        world = JsonPayloads.world(worldSource);
        uploaded = client.pusher().ensureWorld(world);
      }
      JsonNode meta = index == 0 ? JsonPayloads.tree(metaSource) : null;
      JsonNode run = index == 0 ? JsonPayloads.tree(runSource) : null;
      Chunk c = new Chunk(replayId, world.hash(), index, last ? index + 1 : null, last,
          RawJson.array(batch, 0, batch.size()), batch.size(), meta, run);
      long[] sent = {0};
      client.pusher().sendChunk(c, world, sent);
      sentBytes += sent[0];
      client.counters().bytes.add(sent[0]);
      if (last) {
        client.counters().sent.increment();
        done.complete(new PushSummary(replayId, world.hash(), uploaded, index + 1, frames, sentBytes,
            Duration.ofNanos(System.nanoTime() - startNanos), client.pusher().viewerUrl(replayId)));
      }
    } catch (EchelonException e) {
      giveUp(e.getMessage());
    } catch (RuntimeException e) {
      if (!failed) EchelonClient.failed(client.counters(), replayId, e);
      failed = true;
      done.completeExceptionally(e);
    }
  }

  private void giveUp(String why) {
    if (failed) return;
    failed = true;
    client.counters().dropped.increment();
    client.counters().lastError = why;
    LOG.log(Level.WARNING, "echelon: giving up on live replay " + replayId + ": " + why);
    done.completeExceptionally(new EchelonException(EchelonException.Kind.DROPPED, why));
  }
}
