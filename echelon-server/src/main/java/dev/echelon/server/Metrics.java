package dev.echelon.server;

import dev.echelon.core.BoundedCache;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** Counters for {@code GET /metrics}, rendered in the Prometheus text format. */
final class Metrics {
  final LongAdder chunksPushed = new LongAdder();
  final LongAdder bytesPushed = new LongAdder();
  final LongAdder framesPushed = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder replaysStarted = new LongAdder();
  final LongAdder replaysCompleted = new LongAdder();
  final LongAdder worldsStored = new LongAdder();
  final LongAdder sseEvents = new LongAdder();
  final LongAdder sseConnections = new LongAdder();
  final LongAdder sseGzipConnections = new LongAdder();
  final LongAdder viewersDropped = new LongAdder();
  final LongAdder viewersEvicted = new LongAdder();
  final LongAdder navBuilds = new LongAdder();
  final LongAdder navBuildNanos = new LongAdder();
  final LongAdder requestErrors = new LongAdder();

  private IntSupplier clients = () -> 0;
  private Supplier<BoundedCache.Stats> worldCache = () -> new BoundedCache.Stats(0, 0, 0, 0, 0);
  private Supplier<BoundedCache.Stats> navCache = worldCache;

  void bind(IntSupplier clients, Supplier<BoundedCache.Stats> worldCache, Supplier<BoundedCache.Stats> navCache) {
    this.clients = clients;
    this.worldCache = worldCache;
    this.navCache = navCache;
  }

  String render() {
    StringBuilder s = new StringBuilder(2048);
    counter(s, "echelon_chunks_pushed_total", "Chunks accepted by POST /push (duplicates excluded).", chunksPushed);
    counter(s, "echelon_pushed_bytes_total", "Decoded bytes of accepted chunks.", bytesPushed);
    counter(s, "echelon_pushed_frames_total", "Frames in accepted chunks.", framesPushed);
    counter(s, "echelon_duplicate_chunks_total", "Chunks pushed again and answered as duplicates.", duplicates);
    counter(s, "echelon_replays_started_total", "Replays whose first chunk arrived.", replaysStarted);
    counter(s, "echelon_replays_completed_total", "Replays with every chunk received.", replaysCompleted);
    counter(s, "echelon_worlds_stored_total", "Worlds accepted by PUT /worlds.", worldsStored);
    counter(s, "echelon_sse_events_total", "Events published to viewers.", sseEvents);
    counter(s, "echelon_sse_connections_total", "Viewer connections accepted.", sseConnections);
    counter(s, "echelon_sse_gzip_connections_total", "Viewer connections served gzip-compressed.", sseGzipConnections);
    gauge(s, "echelon_sse_clients", "Viewers connected now.", clients.getAsInt());
    counter(s, "echelon_viewers_dropped_total", "Viewers dropped for being too slow.", viewersDropped);
    counter(s, "echelon_viewers_evicted_total", "Viewers evicted by the client cap.", viewersEvicted);
    cache(s, "world", worldCache.get());
    cache(s, "nav", navCache.get());
    counter(s, "echelon_nav_builds_total", "Navigation graphs built.", navBuilds);
    s.append("# HELP echelon_nav_build_seconds_total Time spent building navigation graphs.\n")
        .append("# TYPE echelon_nav_build_seconds_total counter\n")
        .append("echelon_nav_build_seconds_total ").append(navBuildNanos.sum() / 1e9).append('\n');
    counter(s, "echelon_request_errors_total", "Requests answered with a 4xx or 5xx status.", requestErrors);
    return s.toString();
  }

  private static void cache(StringBuilder s, String name, BoundedCache.Stats st) {
    String m = "echelon_" + name + "_cache";
    s.append("# HELP ").append(m).append("_hits_total Lookups answered from the ").append(name).append(" cache.\n")
        .append("# TYPE ").append(m).append("_hits_total counter\n")
        .append(m).append("_hits_total ").append(st.hits()).append('\n')
        .append("# HELP ").append(m).append("_misses_total Lookups that loaded or waited for a load.\n")
        .append("# TYPE ").append(m).append("_misses_total counter\n")
        .append(m).append("_misses_total ").append(st.misses()).append('\n');
  }

  private static void counter(StringBuilder s, String name, String help, LongAdder v) {
    s.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" counter\n")
        .append(name).append(' ').append(v.sum()).append('\n');
  }

  private static void gauge(StringBuilder s, String name, String help, long v) {
    s.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n")
        .append(name).append(' ').append(v).append('\n');
  }
}
