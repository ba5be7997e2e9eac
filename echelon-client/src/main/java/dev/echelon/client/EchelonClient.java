package dev.echelon.client;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Streams replays from a training process to an Echelon server. Build one per trainer and share
 * it: it owns a connection pool and one background sender thread. The blocking
 * {@link #push(Replay)} is for scripts; training loops use {@link #pushAsync(Replay)} or
 * {@link #openStream(Object, Object)}, which never wait on the network.
 */
public final class EchelonClient implements AutoCloseable {
  private static final Logger LOG = System.getLogger(EchelonClient.class.getName());

  private final Counters counters = new Counters();
  private final OkHttpClient http;
  private final ChunkPusher pusher;
  private final Sender sender;
  private final Builder config;

  private EchelonClient(Builder b) {
    this.config = b.copy();
    this.http = new OkHttpClient.Builder()
        .connectTimeout(b.connectTimeout)
        .readTimeout(b.readTimeout)
        .writeTimeout(b.readTimeout)
        .retryOnConnectionFailure(true)
        .build();
    Transport transport = new Transport(http, b.baseUrl, b.token, b.maxAttempts, b.initialBackoff, b.maxBackoff, counters);
    this.pusher = new ChunkPusher(transport, b.chunkFrames, b.chunkBytes, counters, b.run);
    this.sender = new Sender(b.queueCapacity, counters);
  }

  /** A client for the server at {@code baseUrl}, with defaults for everything else. */
  public static EchelonClient create(String baseUrl) {
    return builder().baseUrl(baseUrl).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder with this client's settings, for a variant of it. */
  public Builder newBuilder() {
    return config.copy();
  }

  /** Pushes a replay and waits for every chunk to be accepted. Throws {@link EchelonException}. */
  public PushSummary push(Replay replay) {
    return push(replay, (i, n, b) -> {});
  }

  /** As {@link #push(Replay)}, reporting each accepted chunk to {@code progress}. */
  public PushSummary push(Replay replay, PushProgress progress) {
    Objects.requireNonNull(replay, "replay");
    Objects.requireNonNull(progress, "progress");
    try {
      return pusher.push(replay, progress);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EchelonException(EchelonException.Kind.DROPPED, 0, "interrupted while pushing replay "
          + replay.replayId(), e);
    } catch (EchelonException e) {
      counters.lastError = e.getMessage();
      throw e;
    }
  }

  /**
   * Queues a replay for the background sender and returns at once. When the queue is full the
   * oldest queued replay is dropped and counted. The future fails when the replay is given up.
   */
  public CompletableFuture<PushSummary> pushAsync(Replay replay) {
    Objects.requireNonNull(replay, "replay");
    Sender.Job job = new Sender.Job() {
      @Override void run() throws InterruptedException {
        try {
          result.complete(pusher.push(replay));
        } catch (EchelonException e) {
          counters.dropped.increment();
          counters.lastError = e.getMessage();
          LOG.log(Level.WARNING, "echelon: giving up on replay " + replay.replayId() + ": " + e.getMessage());
          result.completeExceptionally(e);
        } catch (RuntimeException e) {
          failed(counters, replay.replayId(), e);
          result.completeExceptionally(e);
        }
      }
    };
    sender.submit(job);
    return job.result;
  }

  /** Counts and logs (once: it is not retried) a replay whose content could not be turned into JSON. */
  static void failed(Counters counters, String replayId, RuntimeException e) {
    counters.failed.increment();
    counters.lastError = "replay " + replayId + " could not be serialised: " + e.getMessage();
    LOG.log(Level.WARNING, "echelon: " + counters.lastError + " (not sent; check the world, frames and meta"
        + " you passed)", e);
  }

  /**
   * Downloads a stored replay as the simulator's own gzipped {@code {"world", "frames"}} file, to
   * run it again, share it, or push it elsewhere. The file appears only once it is whole. Throws
   * {@link EchelonException} (404 when the server no longer has the replay).
   *
   * @return the bytes written
   */
  public long pull(String replayId, java.nio.file.Path file) {
    Objects.requireNonNull(file, "file");
    if (replayId == null || !dev.echelon.core.Chunk.isValidReplayId(replayId)) {
      throw new IllegalArgumentException("replay id must be 1..64 of [A-Za-z0-9_-], got " + replayId);
    }
    java.nio.file.Path dir = file.toAbsolutePath().getParent();
    java.nio.file.Path part = null;
    try {
      part = java.nio.file.Files.createTempFile(dir, file.getFileName().toString(), ".part");
      long n;
      try (var out = java.nio.file.Files.newOutputStream(part)) {
        n = pusher.transport().download("replays/" + replayId + "/file", out);
      }
      java.nio.file.Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return n;
    } catch (java.io.IOException e) {
      throw new EchelonException(EchelonException.Kind.LOCAL, 0, "cannot write " + file + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EchelonException(EchelonException.Kind.DROPPED, 0, "interrupted while pulling replay " + replayId, e);
    } finally {
      if (part != null) {
        try {
          java.nio.file.Files.deleteIfExists(part);
        } catch (java.io.IOException ignored) {
          // a leftover .part file, named as such
        }
      }
    }
  }

  /** Starts a live replay of the episode now being played on {@code world}. */
  public LiveStream openStream(Object world, Object meta) {
    return openStream(world, meta, pusher.defaultRun());
  }

  /** As {@link #openStream(Object, Object)}, tagged with the training {@code run} it belongs to. */
  public LiveStream openStream(Object world, Object meta, Object run) {
    Objects.requireNonNull(world, "world");
    return new LiveStream(this, Replay.newReplayId(), world, JsonPayloads.requireObject("meta", meta),
        JsonPayloads.requireObject("run", run));
  }

  public ClientStats stats() {
    return new ClientStats(counters.sent.sum(), counters.dropped.sum(), counters.failed.sum(), counters.retries.sum(),
        counters.bytes.sum(), sender.queued(), counters.lastError);
  }

  /** Sends what is queued for up to the builder's close timeout, then releases the connections. */
  @Override public void close() {
    sender.close(config.closeTimeout);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  ChunkPusher pusher() {
    return pusher;
  }

  Sender sender() {
    return sender;
  }

  Counters counters() {
    return counters;
  }

  /** Settings for an {@link EchelonClient}. */
  public static final class Builder {
    private HttpUrl baseUrl = HttpUrl.get("http://127.0.0.1:8090/");
    private String token;
    private int chunkFrames = 100;
    private long chunkBytes = 2L << 20;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 6;
    private Duration initialBackoff = Duration.ofMillis(250);
    private Duration maxBackoff = Duration.ofSeconds(8);
    private int queueCapacity = 8;
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Object run;

    Builder() {}

    Builder copy() {
      Builder b = new Builder();
      b.baseUrl = baseUrl;
      b.token = token;
      b.chunkFrames = chunkFrames;
      b.chunkBytes = chunkBytes;
      b.connectTimeout = connectTimeout;
      b.readTimeout = readTimeout;
      b.maxAttempts = maxAttempts;
      b.initialBackoff = initialBackoff;
      b.maxBackoff = maxBackoff;
      b.queueCapacity = queueCapacity;
      b.closeTimeout = closeTimeout;
      b.run = run;
      return b;
    }

    /** The server, e.g. {@code http://trainer-box:8090}. */
    public Builder baseUrl(String url) {
      HttpUrl u = HttpUrl.parse(url.endsWith("/") ? url : url + "/");
      if (u == null) {
        throw new IllegalArgumentException("server URL must start with http:// or https://, got \"" + url + "\""
            + (url.contains("://") ? "" : "; did you mean http://" + url + " ?"));
      }
      this.baseUrl = u;
      return this;
    }

    /** The server's ECHELON_PUSH_TOKEN, when it has one. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** Frames per chunk (default 100) and bytes per chunk (default 2 MiB), whichever fills first. */
    public Builder chunkSize(int frames, long bytes) {
      if (frames < 1) throw new IllegalArgumentException("frames must be >= 1, got " + frames);
      if (bytes < 1) throw new IllegalArgumentException("bytes must be >= 1, got " + bytes);
      this.chunkFrames = frames;
      this.chunkBytes = bytes;
      return this;
    }

    public Builder timeouts(Duration connect, Duration read) {
      this.connectTimeout = Objects.requireNonNull(connect, "connect");
      this.readTimeout = Objects.requireNonNull(read, "read");
      return this;
    }

    /** Attempts per request and the capped exponential backoff between them. */
    public Builder retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
      if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
      this.maxAttempts = maxAttempts;
      this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
      this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
      return this;
    }

    /** Replays (or live chunks) that may wait for the background sender (default 8). */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
      this.queueCapacity = capacity;
      return this;
    }

    /** How long {@link EchelonClient#close()} keeps sending what is queued (default 10 s). */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The training run every replay of this client belongs to, as the Python trainer sends it
     * ({@code name} or {@code run_dir}, {@code update}, {@code global_step}, {@code eval}, ...).
     * Viewers can subscribe to one run; a replay's own run, when set, wins.
     */
    public Builder run(Object run) {
      this.run = run;
      return this;
    }

    public EchelonClient build() {
      return new EchelonClient(this);
    }
  }
}
