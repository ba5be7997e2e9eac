package dev.echelon.server.base;

import dev.echelon.server.base.BoundedCache;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** Counters for {@code GET /metrics}, rendered in the Prometheus text format. */
public final class Metrics {
  public final LongAdder chunksPushed = new LongAdder();
  public final LongAdder bytesPushed = new LongAdder();
  public final LongAdder framesPushed = new LongAdder();
  public final LongAdder duplicates = new LongAdder();
  public final LongAdder replaysStarted = new LongAdder();
  public final LongAdder replaysCompleted = new LongAdder();
  public final LongAdder worldsStored = new LongAdder();
  public final LongAdder sseEvents = new LongAdder();
  public final LongAdder sseConnections = new LongAdder();
  public final LongAdder sseGzipConnections = new LongAdder();
  public final LongAdder viewersDropped = new LongAdder();
  public final LongAdder viewersEvicted = new LongAdder();
  public final LongAdder navBuilds = new LongAdder();
  public final LongAdder navBuildNanos = new LongAdder();
  public final LongAdder navRefusalsRemembered = new LongAdder();
  public final LongAdder requestErrors = new LongAdder();
  /** Time spent appending accepted chunks to the replay log (encode, write, force). */
  public final LongAdder appendNanos = new LongAdder();

  private final java.util.Map<String, Gauge> gauges = new java.util.concurrent.ConcurrentSkipListMap<>();

  private record Gauge(String help, java.util.function.LongSupplier value) {}

  /** Adds a gauge read at each scrape. */
  public void gauge(String name, String help, java.util.function.LongSupplier value) {
    gauges.put(name, new Gauge(help, value));
  }

  private IntSupplier clients = () -> 0;
  private Supplier<BoundedCache.Stats> worldCache = () -> new BoundedCache.Stats(0, 0, 0, 0, 0);
  private Supplier<BoundedCache.Stats> navCache = worldCache;

  public void bind(IntSupplier clients, Supplier<BoundedCache.Stats> worldCache, Supplier<BoundedCache.Stats> navCache) {
    this.clients = clients;
    this.worldCache = worldCache;
    this.navCache = navCache;
  }

  public String render() {
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
    counter(s, "echelon_viewers_dropped_total", "Viewers dropped because their connection made no progress.", viewersDropped);
    counter(s, "echelon_viewers_evicted_total", "Viewers evicted by the client cap.", viewersEvicted);
    cache(s, "world", worldCache.get());
    cache(s, "nav", navCache.get());
    counter(s, "echelon_nav_builds_total", "Navigation graphs built.", navBuilds);
    counter(s, "echelon_nav_refusals_remembered_total", "Nav requests refused from a remembered refusal, at no cost.",
        navRefusalsRemembered);
    s.append("# HELP echelon_nav_build_seconds_total Time spent building navigation graphs.\n")
        .append("# TYPE echelon_nav_build_seconds_total counter\n")
        .append("echelon_nav_build_seconds_total ").append(navBuildNanos.sum() / 1e9).append('\n');
    Runtime rt = Runtime.getRuntime();
    gauge(s, "echelon_jvm_heap_used_bytes", "Heap in use (after the last GC, plus what was allocated since).",
        rt.totalMemory() - rt.freeMemory());
    gauge(s, "echelon_jvm_threads", "Live JVM threads (platform).", Thread.activeCount());
    gauge(s, "echelon_process_resident_bytes", "Resident set size of the server process.", resident());
    gauge(s, "echelon_process_open_fds", "Open file descriptors of the server process.", openFds());
    counter(s, "echelon_request_errors_total", "Requests answered with a 4xx or 5xx status.", requestErrors);
    s.append("# HELP echelon_log_append_seconds_total Time spent appending accepted chunks (encode, write, force).\n")
        .append("# TYPE echelon_log_append_seconds_total counter\n")
        .append("echelon_log_append_seconds_total ").append(appendNanos.sum() / 1e9).append('\n');
    gauges.forEach((name, g) -> gauge(s, name, g.help(), g.value().getAsLong()));
    return s.toString();
  }

  private static long resident() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: report nothing
    }
    return -1;
  }

  private static long openFds() {
    try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
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
