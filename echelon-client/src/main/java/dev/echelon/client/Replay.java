package dev.echelon.client;

import dev.echelon.core.Chunk;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A finished episode to push: a world, its frames and optional metadata. Values may be Jackson
 * trees, Maps or POJOs, or raw JSON text or bytes. Conversion happens on the sender, so do not
 * mutate what you pass in after handing a replay to {@link EchelonClient#pushAsync(Replay)}.
 */
public final class Replay {
  private static final SecureRandom RANDOM = new SecureRandom();

  final String replayId;
  final Object world;
  final List<Object> frames;
  final Object meta;
  final Object run;

  private Replay(Builder b) {
    this.replayId = b.replayId != null ? b.replayId : newReplayId();
    this.world = Objects.requireNonNull(b.world, "world");
    this.frames = List.copyOf(b.frames);
    this.meta = b.meta;
    this.run = b.run;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder newBuilder() {
    Builder b = new Builder().replayId(replayId).world(world).meta(meta).run(run);
    b.frames.addAll(frames);
    return b;
  }

  public String replayId() {
    return replayId;
  }

  public int frameCount() {
    return frames.size();
  }

  /** A fresh 16-hex replay id. */
  static String newReplayId() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Builds a {@link Replay}. */
  public static final class Builder {
    private String replayId;
    private Object world;
    private final List<Object> frames = new ArrayList<>();
    private Object meta;
    private Object run;

    Builder() {}

    /** Optional: 1..64 of {@code [A-Za-z0-9_-]}; a random id otherwise. */
    public Builder replayId(String id) {
      this.replayId = id == null ? null : Chunk.requireReplayId("replayId", id);
      return this;
    }

    public Builder world(Object world) {
      this.world = world;
      return this;
    }

    public Builder addFrame(Object frame) {
      frames.add(Objects.requireNonNull(frame, "frame"));
      return this;
    }

    public Builder frames(List<?> all) {
      frames.clear();
      for (Object f : all) addFrame(f);
      return this;
    }

    /** Free-form replay metadata such as episode and update numbers. */
    public Builder meta(Object meta) {
      this.meta = meta;
      return this;
    }

    /** The training run this replay belongs to (see PROTOCOL.md's {@code run} object). */
    public Builder run(Object run) {
      this.run = run;
      return this;
    }

    /**
     * @throws IllegalStateException without a world
     * @throws IllegalArgumentException when meta or run is JSON text that is not an object
     */
    public Replay build() {
      if (world == null) throw new IllegalStateException("world is required");
      meta = JsonPayloads.requireObject("meta", meta);
      run = JsonPayloads.requireObject("run", run);
      return new Replay(this);
    }
  }
}
