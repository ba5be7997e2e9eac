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
 * the catalog's own newest-first index and stops at the page.
 *
 * @param run only this training run (its {@code run.name}, else {@code run.run_dir})
 * @param updateMin lowest {@code run.update}, or null
 * @param updateMax highest {@code run.update}, or null
 * @param complete only complete (true) or incomplete (false) replays, or null for both
 * @param text lower-case text the replay id, meta or run must contain, or null
 * @param sort the order
 * @param limit page size
 * @param after the cursor: the last replay of the previous page, or null
 */
record ReplayQuery(String run, Long updateMin, Long updateMax, Boolean complete, String text, Sort sort, int limit,
    Cursor after) {

  /** Orders a search can ask for; each breaks ties newest first, then by id, so paging is stable. */
  enum Sort {
    NEWEST(Comparator.comparingDouble(ReplaySummary::startedAt).reversed()),
    UPDATE(Comparator.comparing((ReplaySummary r) -> r.training().update(),
        Comparator.nullsLast(Comparator.<Long>reverseOrder()))),
    LONGEST(Comparator.comparingLong(ReplaySummary::frames).reversed());

    final Comparator<ReplaySummary> order;

    Sort(Comparator<ReplaySummary> primary) {
      this.order = primary.thenComparing(Comparator.comparingDouble(ReplaySummary::startedAt).reversed())
          .thenComparing(ReplaySummary::replayId, Comparator.reverseOrder());
    }
  }

  /** Where a page ended: the last replay's sort keys, as an opaque token. */
  record Cursor(Sort sort, double startedAt, long frames, Long update, String replayId) {
    String token() {
      String s = sort.name() + "|" + startedAt + "|" + frames + "|" + (update == null ? "" : update) + "|" + replayId;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor of(Sort sort, ReplaySummary r) {
      return new Cursor(sort, r.startedAt(), r.frames(), r.training().update(), r.replayId());
    }

    static Cursor parse(String token, Sort sort) {
      try {
        String[] p = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
        Cursor c = new Cursor(Sort.valueOf(p[0]), Double.parseDouble(p[1]), Long.parseLong(p[2]),
            p[3].isEmpty() ? null : Long.parseLong(p[3]), p[4]);
        if (c.sort != sort || !Chunk.isValidReplayId(c.replayId)) throw new IllegalArgumentException();
        return c;
      } catch (RuntimeException e) {
        throw ApiException.badRequest("cursor must be the next_cursor of an earlier answer with the same sort, got \""
            + token + "\"");
      }
    }

    /** A stand-in summary carrying just the keys, to compare against. */
    ReplaySummary probe() {
      return new ReplaySummary(replayId, null, null, 0, frames, 0, false, null, null, null, startedAt, startedAt, 0, 0, 0,
          new ReplaySummary.Training(update, null, null));
    }
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
    String sortName = q.first("sort").orElse("newest");
    Sort sort = switch (sortName) {
      case "newest" -> Sort.NEWEST;
      case "update" -> Sort.UPDATE;
      case "longest" -> Sort.LONGEST;
      default -> throw ApiException.badRequest("sort must be newest, update or longest, got \"" + sortName + "\"");
    };
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
    return new ReplayQuery(run, updateMin, updateMax, complete, text, sort, limit, after);
  }

  private static long whole(String name, String v) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number, got \"" + v + "\"");
    }
  }

  boolean matches(ReplaySummary r) {
    if (run != null && !run.equals(r.runName())) return false;
    Long update = r.training().update();
    if (updateMin != null && (update == null || update < updateMin)) return false;
    if (updateMax != null && (update == null || update > updateMax)) return false;
    if (complete != null && complete != r.complete()) return false;
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
    List<ReplaySummary> all = new ArrayList<>();
    ReplaySummary probe = after == null ? null : after.probe();
    for (ReplaySummary r : catalog.all()) {
      if (matches(r) && (probe == null || sort.order.compare(r, probe) > 0)) all.add(r);
    }
    all.sort(sort.order);
    return all.subList(0, Math.min(limit, all.size()));
  }
}
