package dev.echelon.server;

/**
 * Every {@code ECHELON_*} variable the server reads, with its default and what it means: the
 * source of {@code --help} and of the README's table. Deprecated ones are still accepted and
 * reported at start-up.
 */
enum Setting {
  HOST("0.0.0.0", "interface to listen on"),
  PORT("8090", "TCP port (0 picks a free one)"),
  RUNS_DIR("runs", "where worlds and the replay log are stored"),
  LOG(null, "unset: the embedded file log in RUNS_DIR; nats://host:4222[,nats://...]: a shared NATS JetStream log"),
  NATS_STREAM("ECHELON", "JetStream stream (and prefix of the worlds bucket) the NATS log uses"),
  NATS_REPLICAS("1", "JetStream replicas of the stream and worlds bucket (3 in a cluster)"),
  NATS_CREDS(null, "NATS credentials file (.creds) for the NATS log"),
  NATS_USER(null, "NATS user name (with ECHELON_NATS_PASSWORD) for the NATS log"),
  NATS_PASSWORD(null, "NATS password for ECHELON_NATS_USER"),
  NATS_TOKEN(null, "NATS authentication token for the NATS log"),
  REQUEST_TIMEOUT_S("30", "a connection that sends nothing for this long while a request is read is closed"),
  FSYNC("true", "force every accepted chunk to disk before answering (false only for benchmarks)"),
  SSE_MAX_CLIENTS("16", "viewers at once; beyond it the oldest live one is dropped (gone ones free their slots first)"),
  SSE_KEEPALIVE_S("15", "seconds of silence before a keepalive comment"),
  SSE_STALL_S("30", "a viewer whose connection takes nothing for this long is dropped"),
  SSE_BROADCAST_TIMEOUT_S("1.0", "ignored since the replay log: slow viewers lag and catch up (see SSE_STALL_S)"),
  SSE_QUEUE_EVENTS("32", "ignored since the replay log: viewers read the log, they have no queue"),
  TAIL_CACHE_BYTES(String.valueOf(32L << 20), "recent chunks kept in memory for viewers at the head"),
  WORLD_CACHE_MAX("32", "worlds held in memory at most"),
  WORLD_CACHE_BYTES(String.valueOf(256L << 20), "bytes of worlds held in memory"),
  NAV_CACHE_MAX("8", "nav graphs held in memory at most"),
  NAV_CACHE_BYTES(String.valueOf(256L << 20), "bytes of nav graphs (with their JSON and search contexts) held in memory"),
  PUSH_TOKEN(null, "when set, PUT /worlds/* and POST /push need Authorization: Bearer <token>"),
  MAX_BODY_BYTES(String.valueOf(64L << 20), "largest request body on the wire (413 beyond)"),
  MAX_DECODED_BYTES(String.valueOf(256L << 20), "largest request body after gzip (413 beyond)"),
  MAX_INFLIGHT_BYTES(String.valueOf(512L << 20), "request bodies held in memory at once (503 beyond)"),
  MAX_CHUNKS("100000", "largest chunk_index/chunk_count accepted (400 beyond)"),
  MAX_WORLD_BYTES(String.valueOf(64L << 20), "largest world document after gzip (413 beyond)"),
  NAV_MAX_VOXELS(String.valueOf(16L << 20), "largest world, in voxels, nav builds a graph for (413 beyond)"),
  NAV_MAX_BYTES(String.valueOf(512L << 20), "largest estimated memory one nav graph may need (413 beyond, before any work)"),
  NAV_MAX_EXPANSIONS("2000000", "nodes one path search may expand (found:false, reason budget, beyond)"),
  WORLD_RETAIN_DAYS("30", "worlds no retained replay uses, and unused this long, are deleted"),
  RETAIN_MAX_BYTES(String.valueOf(2L << 30), "archive budget on disk; the oldest replays go first"),
  RETAIN_MAX_REPLAYS("500", "archive budget in replays; recently pushed ones are spared; incomplete ones take at most half");

  final String defaultValue;
  final String doc;

  Setting(String defaultValue, String doc) {
    this.defaultValue = defaultValue;
    this.doc = doc;
  }

  String variable() {
    return "ECHELON_" + name();
  }

  boolean deprecated() {
    return doc.startsWith("ignored");
  }
}
