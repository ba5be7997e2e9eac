package dev.echelon.server.http;

import dev.echelon.core.Chunk;
import dev.echelon.server.base.ApiException;
import dev.echelon.server.log.ReplayCatalog;
import dev.echelon.server.log.ReplaySummary;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A search of the archive: filters, an order and a cursor, read from {@code GET /replays}'s query.
 * It scans the in-memory catalog (summaries only, never a replay's chunks); the default order walks
 * the catalog's own newest-first index and stops at the page; other orders keep the best page in a heap.
 *
 * @param run only this training run (its {@code run.name}, else {@code run.run_dir})
 * @param updateMin lowest {@code run.update}, or null
 * @param updateMax highest {@code run.update}, or null
 * @param complete only complete (true) or incomplete (false) replays, or null for both
 * @param winner only replays this team won, {@code none} for those no team won, or null
 * @param minKills fewest kills in the replay, or null
 * @param minDuration shortest duration in seconds, or null
 * @param maxDuration longest duration in seconds, or null
 * @param text lower-case text the replay id, meta or run must contain, or null
 * @param sort the order
 * @param limit page size
 * @param after the cursor: the last replay of the previous page, or null
 */
record ReplayQuery(String run, Long updateMin, Long updateMax, Boolean complete, String winner, Integer minKills,
    Double minDuration, Double maxDuration, String text, Sort sort, int limit, Cursor after) {

  /** Orders a search can ask for: by a key, largest first (replays without one last), then newest first, then id. */
  enum Sort {
    NEWEST(r -> r.startedAt()),
    UPDATE(r -> r.training().update() == null ? null : (double) r.training().update()),
    LONGEST(r -> r.outcome().known() && !Double.isNaN(r.outcome().durationSeconds()) ? r.outcome().durationSeconds()
        : null),
    KILLS(r -> r.outcome().known() ? (double) r.outcome().kills() : null);

    final java.util.function.Function<ReplaySummary, Double> key;

    Sort(java.util.function.Function<ReplaySummary, Double> key) {
      this.key = key;
    }

    static Sort named(String name) {
      return switch (name) {
        case "newest" -> NEWEST;
        case "update" -> UPDATE;
        case "longest" -> LONGEST;
        case "kills" -> KILLS;
        default -> throw ApiException.badRequest("sort must be newest, update, longest or kills, got \"" + name + "\"");
      };
    }
  }

  /** Where a page ended: the last replay's sort key, start and id, as an opaque token. */
  record Cursor(Sort sort, Double key, double startedAt, String replayId) {
    String token() {
      String s = sort.name() + "|" + (key == null ? "" : key) + "|" + startedAt + "|" + replayId;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor of(Sort sort, ReplaySummary r) {
      return new Cursor(sort, sort.key.apply(r), r.startedAt(), r.replayId());
    }

    static Cursor parse(String token, Sort sort) {
      try {
        String[] p = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
        Cursor c = new Cursor(Sort.valueOf(p[0]), p[1].isEmpty() ? null : Double.valueOf(p[1]),
            Double.parseDouble(p[2]), p[3]);
        if (p.length != 4 || c.sort != sort || !Chunk.isValidReplayId(c.replayId)) throw new IllegalArgumentException();
        return c;
      } catch (RuntimeException e) {
        throw ApiException.badRequest("cursor must be the next_cursor of an earlier answer with the same sort, got \""
            + token + "\"");
      }
    }

    /** True when {@code r} comes after this cursor in its sort's order. */
    boolean before(ReplaySummary r) {
      return order(sort.key.apply(r), r.startedAt(), r.replayId(), key, startedAt, replayId) > 0;
    }
  }

  private static final Comparator<Double> LARGEST_FIRST = Comparator.nullsLast(Comparator.<Double>reverseOrder());

  /** Every page's order: by the sort's key, largest first (replays without one last), then newest first, then id. */
  static int order(Double keyA, double startedA, String idA, Double keyB, double startedB, String idB) {
    int c = LARGEST_FIRST.compare(keyA, keyB);
    if (c == 0) c = -Double.compare(startedA, startedB);
    if (c == 0) c = -idA.compareTo(idB);
    return c;
  }

  static ReplayQuery from(ServerRequest req, int defaultLimit) {
    var q = req.query();
    String run = q.first("run").orElse(null);
    if (run != null && (run.isEmpty() || run.length() > 256)) {
      throw ApiException.badRequest("run must be a run name of 1..256 characters, got \"" + run + "\"");
    }
    Long updateMin = q.first("update_min").map(v -> whole("update_min", v)).orElse(null);
    Long updateMax = q.first("update_max").map(v -> whole("update_max", v)).orElse(null);
    Boolean complete = q.first("complete").map(v -> switch (v) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw ApiException.badRequest("complete must be true or false, got \"" + v + "\"");
    }).orElse(null);
    String text = q.first("q").map(v -> v.strip().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).orElse(null);
    if (text != null && text.length() > 200) {
      throw ApiException.badRequest("q must be at most 200 characters, got " + text.length());
    }
    Sort sort = Sort.named(q.first("sort").orElse("newest"));
    String winner = q.first("winner").orElse(null);
    if (winner != null && (winner.isEmpty() || winner.length() > 64)) {
      throw ApiException.badRequest("winner must be a team name (or none), got \"" + winner + "\"");
    }
    Long minKills = q.first("min_kills").map(v -> whole("min_kills", v)).orElse(null);
    Double minDuration = q.first("min_duration").map(v -> seconds("min_duration", v)).orElse(null);
    Double maxDuration = q.first("max_duration").map(v -> seconds("max_duration", v)).orElse(null);
    int limit = defaultLimit;
    String asked = q.first("limit").orElse(null);
    if (asked != null) {
      long n;
      try {
        n = Long.parseLong(asked.strip());
      } catch (NumberFormatException e) {
        n = 0;
      }
      if (n < 1 || n > 1000) throw ApiException.badRequest("limit must be an integer in 1..1000, got " + asked);
      limit = (int) n;
    }
    Cursor after = q.first("cursor").map(t -> Cursor.parse(t, sort)).orElse(null);
    return new ReplayQuery(run, updateMin, updateMax, complete, winner,
        minKills == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, minKills)), minDuration,
        maxDuration, text, sort, limit, after);
  }

  private static long whole(String name, String v) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number, got \"" + v + "\"");
    }
  }

  private static double seconds(String name, String v) {
    try {
      double d = Double.parseDouble(v.strip());
      if (Double.isFinite(d)) return d;
    } catch (NumberFormatException e) {
      // said below
    }
    throw ApiException.badRequest(name + " must be a number of seconds, got \"" + v + "\"");
  }

  boolean matches(ReplaySummary r) {
    if (run != null && !run.equals(r.runName())) return false;
    Long update = r.training().update();
    if (updateMin != null && (update == null || update < updateMin)) return false;
    if (updateMax != null && (update == null || update > updateMax)) return false;
    if (complete != null && complete != r.complete()) return false;
    var o = r.outcome();
    if (winner != null && !(winner.equals("none") ? o.winner() == null : winner.equals(o.winner()))) return false;
    if (minKills != null && o.kills() < minKills) return false;
    double duration = o.durationSeconds();
    if (minDuration != null && !(duration >= minDuration)) return false;
    if (maxDuration != null && !(duration <= maxDuration)) return false;
    return text == null || contains(r.replayId().getBytes(StandardCharsets.US_ASCII)) || contains(r.meta())
        || contains(r.run());
  }

  private boolean contains(byte[] json) {
    return json != null && new String(json, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains(text);
  }

  /** One page of matching replays, in order, after the cursor; a full page means there may be more. */
  List<ReplaySummary> page(ReplayCatalog catalog, Double before, String beforeId) {
    List<ReplaySummary> page = new ArrayList<>(Math.min(limit, 64));
    if (sort == Sort.NEWEST) { // the catalog's own order: stop at a page
      Double from = after != null ? Double.valueOf(after.startedAt()) : before;
      String fromId = after != null ? after.replayId() : beforeId;
      for (ReplaySummary r : catalog.newestFirst(from, fromId)) {
        if (page.size() == limit) break;
        if (matches(r)) page.add(r);
      }
      return page;
    }
    // the first page of an order over everything: keep the best `limit` seen (a heap), never sort them all
    record Keyed(Double key, ReplaySummary r) {}
    Comparator<Keyed> order = (a, b) -> order(a.key(), a.r().startedAt(), a.r().replayId(), b.key(), b.r().startedAt(),
        b.r().replayId());
    java.util.PriorityQueue<Keyed> best = new java.util.PriorityQueue<>(limit + 1, order.reversed());
    for (ReplaySummary r : catalog.all()) {
      if (!matches(r) || (after != null && !after.before(r))) continue;
      Keyed k = new Keyed(sort.key.apply(r), r);
      if (best.size() < limit) best.add(k);
      else if (order.compare(k, best.peek()) < 0) {
        best.poll();
        best.add(k);
      }
    }
    List<Keyed> top = new ArrayList<>(best);
    top.sort(order);
    for (Keyed k : top) page.add(k.r());
    return page;
  }
}
