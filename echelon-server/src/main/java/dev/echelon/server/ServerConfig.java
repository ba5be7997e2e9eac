package dev.echelon.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the server can be told, from PROTOCOL.md §5: {@code ECHELON_*} environment variables,
 * a {@code .env} file in the working directory, and {@code --host}/{@code --port}, in rising order
 * of precedence.
 *
 * @param host interface to bind
 * @param port TCP port; 0 picks a free one
 * @param runsDir where worlds (and later replays) are stored
 * @param sseMaxClients viewers at once; the oldest is dropped for a new one
 * @param sseKeepalive idle time before a keepalive comment
 * @param sseBroadcastTimeout how long a viewer may leave an event untaken before it is dropped
 * @param sseQueueEvents events a viewer may have waiting
 * @param worldCacheMax worlds held in memory
 * @param navCacheMax nav graphs held in memory
 * @param pushToken bearer token required to push, or null
 * @param maxBodyBytes largest request body on the wire
 * @param maxDecodedBytes largest request body after gzip decoding
 * @param navMaxVoxels largest world, in voxels, that nav will build a graph for
 * @param retainMaxBytes archive budget on disk; the oldest replays go first
 * @param retainMaxReplays archive budget in replays
 */
public record ServerConfig(
    String host,
    int port,
    Path runsDir,
    int sseMaxClients,
    Duration sseKeepalive,
    Duration sseBroadcastTimeout,
    int sseQueueEvents,
    int worldCacheMax,
    int navCacheMax,
    String pushToken,
    long maxBodyBytes,
    long maxDecodedBytes,
    long navMaxVoxels,
    long retainMaxBytes,
    int retainMaxReplays) {

  public ServerConfig {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host must be set, got " + host);
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    if (runsDir == null) throw new IllegalArgumentException("runsDir must be set");
    positive("SSE_MAX_CLIENTS", sseMaxClients);
    positive("SSE_QUEUE_EVENTS", sseQueueEvents);
    positive("WORLD_CACHE_MAX", worldCacheMax);
    positive("NAV_CACHE_MAX", navCacheMax);
    positive("MAX_BODY_BYTES", maxBodyBytes);
    positive("MAX_DECODED_BYTES", maxDecodedBytes);
    positive("NAV_MAX_VOXELS", navMaxVoxels);
    positive("RETAIN_MAX_BYTES", retainMaxBytes);
    positive("RETAIN_MAX_REPLAYS", retainMaxReplays);
    if (sseKeepalive.isNegative() || sseKeepalive.isZero()) {
      throw new IllegalArgumentException("SSE_KEEPALIVE_S must be > 0, got " + sseKeepalive);
    }
    if (sseBroadcastTimeout.isNegative() || sseBroadcastTimeout.isZero()) {
      throw new IllegalArgumentException("SSE_BROADCAST_TIMEOUT_S must be > 0, got " + sseBroadcastTimeout);
    }
    if (pushToken != null && pushToken.isEmpty()) pushToken = null;
  }

  private static void positive(String name, long v) {
    if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
  }

  /** The defaults of PROTOCOL.md §5. */
  public static ServerConfig defaults() {
    return load(new String[0], Map.of(), null);
  }

  /** Defaults with an ephemeral port and the given runs directory: what tests and tools want. */
  public static ServerConfig forTesting(Path runsDir) {
    return defaults().newBuilder().port(0).host("127.0.0.1").runsDir(runsDir).build();
  }

  /**
   * Reads the configuration. {@code dotEnv} may be null or missing; malformed values fail with a
   * message naming the variable.
   */
  public static ServerConfig load(String[] args, Map<String, String> env, Path dotEnv) {
    Map<String, String> v = new HashMap<>();
    if (dotEnv != null && Files.isRegularFile(dotEnv)) v.putAll(readDotEnv(dotEnv));
    env.forEach((k, val) -> {
      if (k.startsWith("ECHELON_")) v.put(k, val);
    });
    String host = v.getOrDefault("ECHELON_HOST", "0.0.0.0");
    String port = v.getOrDefault("ECHELON_PORT", "8090");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = arg(args, ++i, "--host");
        case "--port" -> port = arg(args, ++i, "--port");
        default -> throw new IllegalArgumentException(
            "unknown argument " + args[i] + "; usage: java -jar echelon-server.jar [--host HOST] [--port PORT]");
      }
    }
    return new ServerConfig(
        host,
        integer("ECHELON_PORT/--port", port),
        Path.of(v.getOrDefault("ECHELON_RUNS_DIR", "runs")),
        integer("ECHELON_SSE_MAX_CLIENTS", v.getOrDefault("ECHELON_SSE_MAX_CLIENTS", "16")),
        seconds("ECHELON_SSE_KEEPALIVE_S", v.getOrDefault("ECHELON_SSE_KEEPALIVE_S", "15")),
        seconds("ECHELON_SSE_BROADCAST_TIMEOUT_S", v.getOrDefault("ECHELON_SSE_BROADCAST_TIMEOUT_S", "1.0")),
        integer("ECHELON_SSE_QUEUE_EVENTS", v.getOrDefault("ECHELON_SSE_QUEUE_EVENTS", "32")),
        integer("ECHELON_WORLD_CACHE_MAX", v.getOrDefault("ECHELON_WORLD_CACHE_MAX", "32")),
        integer("ECHELON_NAV_CACHE_MAX", v.getOrDefault("ECHELON_NAV_CACHE_MAX", "8")),
        v.get("ECHELON_PUSH_TOKEN"),
        longValue("ECHELON_MAX_BODY_BYTES", v.getOrDefault("ECHELON_MAX_BODY_BYTES", String.valueOf(64L << 20))),
        longValue("ECHELON_MAX_DECODED_BYTES", v.getOrDefault("ECHELON_MAX_DECODED_BYTES", String.valueOf(256L << 20))),
        longValue("ECHELON_NAV_MAX_VOXELS", v.getOrDefault("ECHELON_NAV_MAX_VOXELS", String.valueOf(16L << 20))),
        longValue("ECHELON_RETAIN_MAX_BYTES", v.getOrDefault("ECHELON_RETAIN_MAX_BYTES", String.valueOf(2L << 30))),
        integer("ECHELON_RETAIN_MAX_REPLAYS", v.getOrDefault("ECHELON_RETAIN_MAX_REPLAYS", "500")));
  }

  /** A builder holding this configuration, to derive a variant of it. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link ServerConfig}; starts from an existing one. */
  public static final class Builder {
    private String host;
    private int port;
    private Path runsDir;
    private int sseMaxClients;
    private Duration sseKeepalive;
    private Duration sseBroadcastTimeout;
    private int sseQueueEvents;
    private int worldCacheMax;
    private int navCacheMax;
    private String pushToken;
    private long maxBodyBytes;
    private long maxDecodedBytes;
    private long navMaxVoxels;
    private long retainMaxBytes;
    private int retainMaxReplays;

    private Builder(ServerConfig c) {
      host = c.host;
      port = c.port;
      runsDir = c.runsDir;
      sseMaxClients = c.sseMaxClients;
      sseKeepalive = c.sseKeepalive;
      sseBroadcastTimeout = c.sseBroadcastTimeout;
      sseQueueEvents = c.sseQueueEvents;
      worldCacheMax = c.worldCacheMax;
      navCacheMax = c.navCacheMax;
      pushToken = c.pushToken;
      maxBodyBytes = c.maxBodyBytes;
      maxDecodedBytes = c.maxDecodedBytes;
      navMaxVoxels = c.navMaxVoxels;
      retainMaxBytes = c.retainMaxBytes;
      retainMaxReplays = c.retainMaxReplays;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder runsDir(Path runsDir) {
      this.runsDir = runsDir;
      return this;
    }

    public Builder pushToken(String token) {
      this.pushToken = token;
      return this;
    }

    public Builder sse(int maxClients, Duration keepalive, Duration broadcastTimeout) {
      this.sseMaxClients = maxClients;
      this.sseKeepalive = keepalive;
      this.sseBroadcastTimeout = broadcastTimeout;
      return this;
    }

    public Builder limits(long bodyBytes, long decodedBytes, long navVoxels) {
      this.maxBodyBytes = bodyBytes;
      this.maxDecodedBytes = decodedBytes;
      this.navMaxVoxels = navVoxels;
      return this;
    }

    public Builder caches(int worlds, int navGraphs) {
      this.worldCacheMax = worlds;
      this.navCacheMax = navGraphs;
      return this;
    }

    public Builder retention(long maxBytes, int maxReplays) {
      this.retainMaxBytes = maxBytes;
      this.retainMaxReplays = maxReplays;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(host, port, runsDir, sseMaxClients, sseKeepalive, sseBroadcastTimeout, sseQueueEvents,
          worldCacheMax, navCacheMax, pushToken, maxBodyBytes, maxDecodedBytes, navMaxVoxels, retainMaxBytes,
          retainMaxReplays);
    }
  }

  static Map<String, String> readDotEnv(Path file) {
    Map<String, String> out = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) continue;
        if (s.startsWith("export ")) s = s.substring(7).strip();
        int eq = s.indexOf('=');
        if (eq <= 0) continue;
        String key = s.substring(0, eq).strip();
        String val = s.substring(eq + 1).strip();
        if (val.length() >= 2 && (val.charAt(0) == '"' || val.charAt(0) == '\'') && val.endsWith(val.substring(0, 1))) {
          val = val.substring(1, val.length() - 1);
        }
        out.put(key, val);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static String arg(String[] args, int i, String flag) {
    if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
    return args[i];
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got \"" + value + "\"");
    }
  }

  private static long longValue(String name, String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got \"" + value + "\"");
    }
  }

  private static Duration seconds(String name, String value) {
    try {
      double s = Double.parseDouble(value.strip());
      if (!Double.isFinite(s)) throw new NumberFormatException();
      return Duration.ofNanos((long) (s * 1e9));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number of seconds, got \"" + value + "\"");
    }
  }
}
