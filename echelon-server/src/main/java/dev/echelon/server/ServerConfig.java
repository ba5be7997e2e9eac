package dev.echelon.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the server can be told (PROTOCOL.md §5): {@code ECHELON_*} environment variables, a
 * {@code .env} file in the working directory, and {@code --host}/{@code --port}, in rising order
 * of precedence. Every value is checked when the configuration is made, with a message naming
 * the variable, so a typo stops the server at start-up and not at the first push.
 */
public final class ServerConfig {
  private final EnumMap<Setting, String> raw;
  private final String host;
  private final int port;
  private final Path runsDir;
  private final boolean fsync;
  private final Duration requestTimeout;
  private final int sseMaxClients;
  private final Duration sseKeepalive;
  private final Duration sseStall;
  private final long tailCacheBytes;
  private final int worldCacheMax;
  private final long worldCacheBytes;
  private final int navCacheMax;
  private final long navCacheBytes;
  private final long maxWorldBytes;
  private final long navMaxBytes;
  private final int navMaxExpansions;
  private final int worldRetainDays;
  private final String pushToken;
  private final long maxBodyBytes;
  private final long maxDecodedBytes;
  private final long maxInflightBytes;
  private final int maxChunks;
  private final long navMaxVoxels;
  private final long retainMaxBytes;
  private final int retainMaxReplays;
  private final NatsSettings nats;

  private ServerConfig(EnumMap<Setting, String> raw) {
    this.raw = raw;
    host = raw.get(Setting.HOST);
    if (host == null || host.isBlank()) throw new IllegalArgumentException("ECHELON_HOST must be set, got \"" + host + "\"");
    port = (int) integer(Setting.PORT, 0, 65535);
    runsDir = Path.of(raw.get(Setting.RUNS_DIR));
    fsync = bool(Setting.FSYNC);
    requestTimeout = seconds(Setting.REQUEST_TIMEOUT_S);
    sseMaxClients = (int) integer(Setting.SSE_MAX_CLIENTS, 1, 100_000);
    sseKeepalive = seconds(Setting.SSE_KEEPALIVE_S);
    sseStall = seconds(Setting.SSE_STALL_S);
    seconds(Setting.SSE_BROADCAST_TIMEOUT_S);
    integer(Setting.SSE_QUEUE_EVENTS, 1, Integer.MAX_VALUE);
    tailCacheBytes = integer(Setting.TAIL_CACHE_BYTES, 0, Long.MAX_VALUE);
    worldCacheMax = (int) integer(Setting.WORLD_CACHE_MAX, 1, 1 << 20);
    worldCacheBytes = integer(Setting.WORLD_CACHE_BYTES, 1, Long.MAX_VALUE);
    navCacheMax = (int) integer(Setting.NAV_CACHE_MAX, 1, 1 << 20);
    navCacheBytes = integer(Setting.NAV_CACHE_BYTES, 1, Long.MAX_VALUE);
    maxWorldBytes = integer(Setting.MAX_WORLD_BYTES, 1, Integer.MAX_VALUE - 64);
    navMaxBytes = integer(Setting.NAV_MAX_BYTES, 1, Long.MAX_VALUE);
    navMaxExpansions = (int) integer(Setting.NAV_MAX_EXPANSIONS, 1, Integer.MAX_VALUE);
    worldRetainDays = (int) integer(Setting.WORLD_RETAIN_DAYS, 1, 100_000);
    pushToken = PushTokens.check(raw.get(Setting.PUSH_TOKEN));
    maxBodyBytes = integer(Setting.MAX_BODY_BYTES, 1, Integer.MAX_VALUE - 64);
    maxDecodedBytes = integer(Setting.MAX_DECODED_BYTES, 1, Integer.MAX_VALUE - 64);
    maxInflightBytes = integer(Setting.MAX_INFLIGHT_BYTES, 1, Long.MAX_VALUE);
    maxChunks = (int) integer(Setting.MAX_CHUNKS, 1, 10_000_000);
    navMaxVoxels = integer(Setting.NAV_MAX_VOXELS, 1, Long.MAX_VALUE);
    retainMaxBytes = integer(Setting.RETAIN_MAX_BYTES, 1, Long.MAX_VALUE);
    retainMaxReplays = (int) integer(Setting.RETAIN_MAX_REPLAYS, 1, 10_000_000);
    nats = NatsSettings.parse(raw.get(Setting.LOG), raw.get(Setting.NATS_STREAM),
        (int) integer(Setting.NATS_REPLICAS, 1, 5), raw.get(Setting.NATS_CREDS), raw.get(Setting.NATS_USER),
        raw.get(Setting.NATS_PASSWORD), raw.get(Setting.NATS_TOKEN));
  }

  /** The defaults of PROTOCOL.md §5. */
  public static ServerConfig defaults() {
    return load(new String[0], Map.of(), null);
  }

  /** Defaults with an ephemeral port on loopback and the given runs directory: what tests and tools want. */
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
    EnumMap<Setting, String> raw = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      String value = v.getOrDefault(s.variable(), s.defaultValue);
      if (value != null) raw.put(s, value);
    }
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> raw.put(Setting.HOST, arg(args, ++i, "--host"));
        case "--port" -> raw.put(Setting.PORT, arg(args, ++i, "--port"));
        default -> throw new IllegalArgumentException(
            "unknown argument " + args[i] + "; usage: echelon-server [--host HOST] [--port PORT] (--help lists settings)");
      }
    }
    return new ServerConfig(raw);
  }

  /** Settings that were given but no longer do anything, as lines for the start-up log. */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (Setting s : Setting.values()) {
      String value = raw.get(s);
      if (s.deprecated() && value != null && !value.equals(s.defaultValue)) {
        out.add(s.variable() + "=" + value + " is " + s.doc);
      }
    }
    return out;
  }

  /** Every setting with its default and meaning, for {@code --help}. */
  public static String describe() {
    StringBuilder b = new StringBuilder();
    for (Setting s : Setting.values()) {
      b.append(String.format("  %-32s %-12s %s%n", s.variable(), s.defaultValue == null ? "(unset)" : s.defaultValue, s.doc));
    }
    return b.toString();
  }

  public String host() { return host; }
  public int port() { return port; }
  public Path runsDir() { return runsDir; }
  public boolean fsync() { return fsync; }
  public Duration requestTimeout() { return requestTimeout; }
  public int sseMaxClients() { return sseMaxClients; }
  public Duration sseKeepalive() { return sseKeepalive; }
  public Duration sseStall() { return sseStall; }
  public long tailCacheBytes() { return tailCacheBytes; }
  public int worldCacheMax() { return worldCacheMax; }
  public int navCacheMax() { return navCacheMax; }
  public long worldCacheBytes() { return worldCacheBytes; }
  public long navCacheBytes() { return navCacheBytes; }
  public long maxWorldBytes() { return maxWorldBytes; }
  public long navMaxBytes() { return navMaxBytes; }
  public int navMaxExpansions() { return navMaxExpansions; }
  public int worldRetainDays() { return worldRetainDays; }
  public String pushToken() { return pushToken; }
  public long maxBodyBytes() { return maxBodyBytes; }
  public long maxDecodedBytes() { return maxDecodedBytes; }
  public long maxInflightBytes() { return maxInflightBytes; }
  public int maxChunks() { return maxChunks; }
  public long navMaxVoxels() { return navMaxVoxels; }
  public long retainMaxBytes() { return retainMaxBytes; }
  public int retainMaxReplays() { return retainMaxReplays; }
  /** The NATS JetStream log's settings, or null for the embedded file log. */
  public NatsSettings nats() { return nats; }

  /** A builder holding this configuration, to derive a variant of it. */
  public Builder newBuilder() {
    return new Builder(raw);
  }

  /** Builds a {@link ServerConfig}; starts from an existing one. Values are checked by {@link #build()}. */
  public static final class Builder {
    private final EnumMap<Setting, String> raw;

    private Builder(EnumMap<Setting, String> raw) {
      this.raw = new EnumMap<>(raw);
    }

    private Builder set(Setting s, Object value) {
      if (value == null) raw.remove(s);
      else raw.put(s, String.valueOf(value));
      return this;
    }

    public Builder host(String host) { return set(Setting.HOST, host); }
    public Builder port(int port) { return set(Setting.PORT, port); }
    public Builder runsDir(Path runsDir) { return set(Setting.RUNS_DIR, runsDir); }
    public Builder pushToken(String token) { return set(Setting.PUSH_TOKEN, token); }
    public Builder fsync(boolean fsync) { return set(Setting.FSYNC, fsync); }
    public Builder tailCacheBytes(long bytes) { return set(Setting.TAIL_CACHE_BYTES, bytes); }
    public Builder maxChunks(int max) { return set(Setting.MAX_CHUNKS, max); }
    public Builder maxInflightBytes(long bytes) { return set(Setting.MAX_INFLIGHT_BYTES, bytes); }
    /** Null for the file log, else {@code nats://host:port[,...]}. */
    public Builder log(String natsUrls) { return set(Setting.LOG, natsUrls); }
    public Builder natsStream(String stream, int replicas) {
      set(Setting.NATS_STREAM, stream);
      return set(Setting.NATS_REPLICAS, replicas);
    }

    public Builder sse(int maxClients, Duration keepalive, Duration stall) {
      set(Setting.SSE_MAX_CLIENTS, maxClients);
      set(Setting.SSE_KEEPALIVE_S, keepalive.toNanos() / 1e9);
      return set(Setting.SSE_STALL_S, stall.toNanos() / 1e9);
    }

    public Builder limits(long bodyBytes, long decodedBytes, long navVoxels) {
      set(Setting.MAX_BODY_BYTES, bodyBytes);
      set(Setting.MAX_DECODED_BYTES, decodedBytes);
      return set(Setting.NAV_MAX_VOXELS, navVoxels);
    }

    public Builder caches(int worlds, int navGraphs) {
      set(Setting.WORLD_CACHE_MAX, worlds);
      return set(Setting.NAV_CACHE_MAX, navGraphs);
    }

    public Builder cacheBytes(long worlds, long navGraphs) {
      set(Setting.WORLD_CACHE_BYTES, worlds);
      return set(Setting.NAV_CACHE_BYTES, navGraphs);
    }

    public Builder nav(long maxBytes, int maxExpansions) {
      set(Setting.NAV_MAX_BYTES, maxBytes);
      return set(Setting.NAV_MAX_EXPANSIONS, maxExpansions);
    }

    public Builder requestTimeout(Duration timeout) {
      return set(Setting.REQUEST_TIMEOUT_S, timeout.toNanos() / 1e9);
    }

    public Builder maxWorldBytes(long bytes) {
      return set(Setting.MAX_WORLD_BYTES, bytes);
    }

    public Builder retention(long maxBytes, int maxReplays) {
      set(Setting.RETAIN_MAX_BYTES, maxBytes);
      return set(Setting.RETAIN_MAX_REPLAYS, maxReplays);
    }

    public ServerConfig build() {
      return new ServerConfig(raw);
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

  private long integer(Setting s, long min, long max) {
    String value = raw.get(s);
    long v;
    try {
      v = Long.parseLong(value.strip());
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException(s.variable() + " must be an integer, got \"" + value + "\"");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(s.variable() + " must be in " + min + ".." + max + ", got " + v);
    }
    return v;
  }

  private boolean bool(Setting s) {
    String value = raw.get(s).strip().toLowerCase(java.util.Locale.ROOT);
    return switch (value) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(s.variable() + " must be true or false, got \"" + raw.get(s) + "\"");
    };
  }

  private Duration seconds(Setting s) {
    String value = raw.get(s);
    try {
      double v = Double.parseDouble(value.strip());
      if (!Double.isFinite(v) || v <= 0) throw new NumberFormatException();
      return Duration.ofNanos((long) (v * 1e9));
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException(s.variable() + " must be a positive number of seconds, got \"" + value + "\"");
    }
  }
}
