package dev.echelon.server.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Judges a history. Storage invariants here, stream invariants in {@link StreamChecks}:
 * <ul>
 *   <li>I1 every acknowledged chunk of a replay retention did not remove reads back byte-identical,
 *       by GET and by a late joiner;
 *   <li>I4 the listing agrees with what is stored, and a removed replay never comes back;
 *   <li>I5 no replay that received a chunk within the stall time (an incomplete one: within 300 s)
 *       is removed by retention;
 *   <li>I6 the server starts again on whatever it left, leaves nothing behind, and recovers the
 *       same archive whether or not its unforced index files reached the disk;
 *   <li>I7 the chunks a replay holds never shrink, but for records the injector damaged;
 *   <li>I9 the world store agrees with itself and takes a re-upload of a damaged world;
 *   <li>I10 a push answered 5xx stored nothing (its retry is new, not a duplicate), barring a power cut
 *       or an I/O error the disk could not take back before a restart.
 * </ul>
 */
final class Checker {
  static final long RECEIVING_MILLIS = 300_000;

  private final Workload workload;
  private final History h;
  final List<String> violations = new ArrayList<>();

  Checker(Workload workload, History h) {
    this.workload = workload;
    this.h = h;
  }

  List<String> check() {
    violations.addAll(h.immediate);
    new StreamChecks(workload, h, violations).run();
    if (h.observations.isEmpty()) {
      violations.add("I6 the server never answered a listing");
      return violations;
    }
    acknowledged();
    listing();
    incarnations();
    duplicates();
    return violations;
  }

  private History.Observation last() {
    return h.observations.get(h.observations.size() - 1);
  }

  /** I1: acknowledged chunks read back byte-identical, unless retention removed their replay (I5 judges that). */
  private void acknowledged() {
    Map<String, History.Listed> end = last().replays();
    Map<String, History.Listed> atReads = readBackListing();
    Map<String, Set<Integer>> lateGot = lateJoinerChunks();
    for (History.Push p : h.pushes) {
      if (!p.acknowledged() || p.replay().startsWith("second")) continue;
      String key = History.key(p.replay(), p.index());
      if (h.corrupted.contains(key)) continue;
      if (mayBeLost(p)) continue; // the backend's own limits or losses took it
      History.Listed now = end.get(p.replay());
      History.Listed then = atReads.get(p.replay());
      if (!h.sparesRecent && (now == null || p.eventId() > 0 && p.eventId() < now.firstEventId())) {
        violations.add("I1 " + p + " was acknowledged, but its replay is gone although nothing evicted or lost it");
        continue;
      }
      if (now == null || then == null || now.firstEventId() != then.firstEventId()) continue; // removed; see I5
      if (p.eventId() > 0 && p.eventId() < now.firstEventId()) continue; // an earlier incarnation, removed
      Pushers.Answer read = h.finalReads.get(key);
      if (read == null || read.status() != 200) {
        violations.add("I1 " + p + " was acknowledged, but GET of it answers " + (read == null ? "nothing" : read.status()));
      } else if (!Arrays.equals(read.body(), h.payloads.get(key))) {
        violations.add("I1 " + p + " was acknowledged, but GET of it gives other bytes than were pushed");
      }
      Set<Integer> got = lateGot.get(p.replay());
      if (got != null && !got.contains(p.index())) {
        violations.add("I1 " + p + " was acknowledged, but a late joiner of " + p.replay() + " did not get it (it got "
            + lateJoinerEvents(p.replay()) + ")");
      }
    }
  }

  /** True when the incarnation this push went to began at or below the loss floor (JetStream's limits, NATS losses). */
  private boolean mayBeLost(History.Push p) {
    if (h.lossFloor <= 0 || p.eventId() <= 0) return false;
    Long start = incarnationStarts(p.replay()).floor(p.eventId());
    return (start != null ? start : p.eventId()) <= h.lossFloor;
  }

  /** The listing the final reads were made from (the one before the last, when the run ended normally). */
  private Map<String, History.Listed> readBackListing() {
    int n = h.observations.size();
    return n >= 2 && h.observations.get(n - 2).generation() == last().generation()
        ? h.observations.get(n - 2).replays() : last().replays();
  }

  private List<String> lateJoinerEvents(String replay) {
    List<String> out = new ArrayList<>();
    for (History.Connection c : h.connections) {
      if (!replay.equals(h.lateJoiners.get(c.viewer))) continue;
      out.add(c + ": " + c.endCause);
      for (History.Event e : c.events) out.add(e.toString());
    }
    return out;
  }

  private Map<String, Set<Integer>> lateJoinerChunks() {
    Map<String, Set<Integer>> out = new TreeMap<>();
    for (History.Connection c : h.connections) {
      String replay = h.lateJoiners.get(c.viewer);
      if (replay == null) continue;
      Set<Integer> got = out.computeIfAbsent(replay, k -> new TreeSet<>());
      for (History.Event e : c.events) if (e.name().equals("replay_chunk")) got.add(e.chunkIndex());
    }
    return out;
  }

  /** I4 on the last listing, and I6's look at the runs directory. */
  private void listing() {
    for (var e : last().replays().entrySet()) {
      String id = e.getKey();
      History.Listed l = e.getValue();
      if (id.startsWith("second")) continue;
      if (l.chunksReceived() != l.received().size()) {
        violations.add("I4 " + id + " lists chunks_received " + l.chunksReceived() + " but received " + l.received());
      }
      boolean whole = l.chunkCount() != null && l.received().size() == l.chunkCount();
      if (l.complete() != whole) violations.add("I4 " + id + " lists complete=" + l.complete() + " with " + l);
      long frames = 0;
      for (int i : l.received()) {
        frames += Pushers.frameCount(id, i);
        Pushers.Answer read = h.finalReads.get(History.key(id, i));
        boolean damaged = h.corrupted.contains(History.key(id, i));
        if (!damaged && (read == null || read.status() != 200)) {
          violations.add("I4 " + id + " lists chunk " + i + " but GET of it answers " + (read == null ? "nothing" : read.status()));
        } else if (!damaged && !Arrays.equals(read.body(), Pushers.payload(id, i))) {
          violations.add("I4 " + id + " chunk " + i + " reads back other bytes than any push of it sent");
        }
      }
      if (frames != l.frames()) violations.add("I4 " + id + " lists " + l.frames() + " frames, its chunks hold " + frames);
      boolean anyDamaged = l.received().stream().anyMatch(i -> h.corrupted.contains(History.key(id, i)));
      if (!anyDamaged && !l.received().isEmpty()) { // a damaged header may hold any tally until the chunk is pushed again
        int kills = l.received().stream().mapToInt(i -> Pushers.kills(id, i)).sum();
        double duration = Pushers.duration(id, l.received());
        if (l.kills() != kills || l.duration() != duration) {
          violations.add("I4 " + id + "'s outcome says " + l.kills() + " kills in " + l.duration() + " s, but its chunks "
              + l.received() + " hold " + kills + " kills in " + duration + " s");
        }
      }
      Set<Integer> counts = pushedCounts(id);
      if (l.chunkCount() != null && !counts.contains(l.chunkCount())) {
        violations.add("I4 " + id + " lists chunk_count " + l.chunkCount() + ", but the accepted pushes said " + counts);
      }
    }
    for (String s : h.leftovers) violations.add("I6 after a clean restart the runs directory still holds " + s);
    if (h.recoveredWith != null && !h.recoveredWith.equals(h.recoveredWithout)) {
      violations.add("I6 recovery depends on the unforced index files: with them " + h.recoveredWith + ", without "
          + h.recoveredWithout);
    }
  }

  /** The totals acknowledged (or possibly stored) pushes of a replay stated. */
  private Set<Integer> pushedCounts(String replay) {
    Set<Integer> out = new TreeSet<>();
    for (History.Push p : h.pushes) {
      if (!p.replay().equals(replay) || p.outcome() == History.Outcome.REFUSED) continue;
      if (p.count() != null) out.add(p.count());
      else if (p.last()) out.add(p.index() + 1);
    }
    return out;
  }

  /** I5 and I7 (and I4's "never comes back") over the listings in time order. */
  private void incarnations() {
    List<History.Observation> obs = new ArrayList<>(h.observations);
    obs.sort(Comparator.comparingLong(History.Observation::clock));
    Map<String, History.Listed> seen = new TreeMap<>(); // replay -> its incarnation as last listed
    Map<String, History.Observation> seenAt = new TreeMap<>();
    Map<String, History.Observation> removed = new TreeMap<>(); // "replay@first" of incarnations seen gone
    for (History.Observation o : obs) {
      for (var e : o.replays().entrySet()) {
        String id = e.getKey();
        History.Listed now = e.getValue();
        History.Observation goneAt = removed.get(id + "@" + now.firstEventId());
        if (goneAt != null) {
          violations.add("I4 replay " + id + " (first event " + now.firstEventId() + ") was gone at step " + goneAt.step()
              + " (server generation " + goneAt.generation() + ") and came back at step " + o.step() + " (generation "
              + o.generation() + "; degraded: " + h.degraded + ")");
        }
        History.Listed before = seen.get(id);
        if (before != null && before.firstEventId() < now.firstEventId() && damaged(id)) {
          before = now; // its first record was damaged: recovery starts it at the next one, the same replay
        }
        if (before != null && before.firstEventId() == now.firstEventId() && now.firstEventId() > h.lossFloor) {
          for (int i : before.received()) {
            if (!now.received().contains(i) && !h.corrupted.contains(History.key(id, i))) {
              violations.add("I7 chunk " + i + " of " + id + " was listed at step " + seenAt.get(id).step()
                  + " and is gone at step " + o.step() + " though nothing damaged it");
            }
          }
        }
      }
      for (var e : seen.entrySet()) {
        History.Listed now = o.replays().get(e.getKey());
        if (now != null && now.firstEventId() == e.getValue().firstEventId()) continue;
        if (now != null && now.firstEventId() > e.getValue().firstEventId() && damaged(e.getKey())) continue;
        if (now == null && h.degraded.contains(o.generation())) continue; // recovery could not read it this time
        removed.put(e.getKey() + "@" + e.getValue().firstEventId(), o);
        spared(e.getKey(), e.getValue(), o, now);
      }
      for (var e : o.replays().entrySet()) {
        seen.put(e.getKey(), e.getValue());
        seenAt.put(e.getKey(), o);
      }
      if (!h.degraded.contains(o.generation())) seen.keySet().retainAll(o.replays().keySet());
    }
  }

  private boolean damaged(String replay) {
    synchronized (h.corrupted) {
      return h.corrupted.stream().anyMatch(k -> k.startsWith(replay + "#"));
    }
  }

  /** First event ids of the replay's incarnations, as listings and replay_start events showed them. */
  private java.util.NavigableSet<Long> incarnationStarts(String replay) {
    java.util.NavigableSet<Long> out = new TreeSet<>();
    for (History.Observation o : h.observations) {
      History.Listed l = o.replays().get(replay);
      if (l != null) out.add(l.firstEventId());
    }
    for (History.Connection c : h.connections) {
      for (History.Event e : c.events) if (e.name().equals("replay_start") && replay.equals(e.replay())) out.add(e.id());
    }
    return out;
  }

  /** I5: an incarnation found gone at {@code gone} must have had no chunk pushed within the protected window. */
  private void spared(String replay, History.Listed was, History.Observation gone, History.Listed successor) {
    if (replay.startsWith("second")) return;
    if (!h.sparesRecent) { // no replay is spared; one may go only when the stream's limits or a NATS loss took it
      if (was.firstEventId() > h.lossFloor) {
        violations.add("I1 replay " + replay + " (first event " + was.firstEventId() + ") was gone at step "
            + gone.step() + " although the stream held everything above event " + h.lossFloor);
      }
      return;
    }
    if (was.received().stream().allMatch(i -> h.corrupted.contains(History.key(replay, i)))) {
      return; // every chunk it held was damaged: recovery set it aside, retention had nothing to do with it
    }
    Long later = incarnationStarts(replay).higher(was.firstEventId());
    long next = successor != null ? successor.firstEventId() : later != null ? later : Long.MAX_VALUE;
    // it may have completed after it was last listed: then the shorter window applies
    Set<Integer> held = new TreeSet<>(was.received());
    Integer total = was.chunkCount();
    for (History.Push p : h.pushes) {
      if (p.replay().equals(replay) && p.acknowledged() && p.eventId() >= was.firstEventId() && p.eventId() < next
          && p.invokeClock() <= gone.endClock()) {
        held.add(p.index());
        if (total == null && p.count() != null) total = p.count();
        if (total == null && p.last()) total = p.index() + 1; // a live replay's final chunk tells its length
      }
    }
    boolean complete = was.complete() || total != null && held.size() >= total;
    long window = complete ? workload.settings().stallMillis() : RECEIVING_MILLIS;
    for (History.Push p : h.pushes) {
      if (!p.replay().equals(replay) || !p.acknowledged() || p.outcome() == History.Outcome.DUPLICATE) continue;
      // a damaged record takes its time with it: recovery dates the replay by the chunks it still holds
      if (h.corrupted.contains(History.key(replay, p.index()))) continue;
      // only a push answered before the listing began surely reached this incarnation (a later one may have
      // started the next); the removal came by the listing's end at the latest
      if (p.eventId() < was.firstEventId() || p.eventId() >= next || p.completeClock() > gone.clock()) continue;
      if (gone.endClock() - p.invokeClock() < window) {
        violations.add("I5 replay " + replay + " (" + (complete ? "complete" : "incomplete") + ", first event "
            + was.firstEventId() + ") was gone at step " + gone.step() + ", " + (gone.endClock() - p.invokeClock())
            + " ms after " + p + ": retention may not remove a replay that recent, so it removed one still being pushed"
            + " or the acknowledged chunks were lost");
        return;
      }
    }
  }

  /**
   * I10: a "duplicate" needs an earlier attempt that stored the chunk, or might have. On the file
   * log a 5xx stored nothing, unless the disk failed to take its write back and the server restarted
   * before the next push; on JetStream a publish whose ack timed out is a 503 that may have.
   */
  private void duplicates() {
    for (History.Push d : h.pushes) {
      if (d.outcome() != History.Outcome.DUPLICATE || d.replay().startsWith("second")) continue;
      boolean explained = false;
      for (History.Push a : h.pushes) {
        if (a == d || !a.replay().equals(d.replay()) || a.index() != d.index() || a.invokeClock() > d.completeClock()) {
          continue;
        }
        boolean cutAfter = h.faults.stream().anyMatch(f -> f.what().contains("power cut") && f.clock() >= a.invokeClock());
        // an I/O error (500) may also fail to cut the record back off: a restart before the next push finds it whole
        boolean leftWhole = a.status() == 500 && h.faults.stream().anyMatch(f -> (f.what().equals("restart")
            || f.what().startsWith("kill")) && f.clock() >= a.invokeClock() && f.clock() <= d.completeClock());
        if (a.outcome() != History.Outcome.REFUSED
            && (a.outcome() != History.Outcome.FAILED || cutAfter || leftWhole || h.sharedLog)) {
          explained = true;
          break;
        }
      }
      if (!explained) {
        violations.add("I10 " + d + " although no earlier push of it was stored: a push answered 5xx stored something");
      }
    }
  }
}
