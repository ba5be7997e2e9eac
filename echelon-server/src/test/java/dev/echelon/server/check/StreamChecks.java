package dev.echelon.server.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every viewer connection must have seen, judged against everything any client saw:
 * I2 (each event of its subscription at most once, in id order, no gap but after a resync that
 * names retention), I3 (an id stands for one event, and new events after a restart get new ids)
 * and I8 (a live viewer is evicted only when more live viewers than the cap are connected).
 */
final class StreamChecks {
  private final Workload workload;
  private final History h;
  private final List<String> out;
  /** Every event id any client saw, with what it was. */
  final TreeMap<Long, History.Event> events = new TreeMap<>();

  StreamChecks(Workload workload, History h, List<String> out) {
    this.workload = workload;
    this.h = h;
    this.out = out;
  }

  void run() {
    ids();
    for (History.Connection c : h.connections) order(c);
    for (History.Connection c : h.connections) gaps(c);
    evictions();
  }

  private void violation(String s) {
    out.add(s);
  }

  /** I3: one meaning per id, across viewers and acknowledgements; ids of new chunks rise across restarts. */
  private void ids() {
    for (History.Connection c : h.connections) {
      for (History.Event e : c.events) {
        if (e.name().equals("resync")) continue;
        History.Event known = events.putIfAbsent(e.id(), e);
        if (known != null && !same(known, e)) {
          violation("I3 event id " + e.id() + " stands for two events: " + known + " and " + e + " (" + c + ")");
        }
      }
    }
    for (History.Push p : h.pushes) {
      if (!p.acknowledged() || p.eventId() <= 0) continue;
      History.Event e = new History.Event(p.eventId(), "replay_chunk", p.replay(), p.index(), null, null,
          p.completeClock()); // stored by the time it was answered
      History.Event known = events.putIfAbsent(p.eventId(), e);
      if (known != null && !same(known, e)) {
        violation("I3 event id " + p.eventId() + " was given to " + p + " but is also " + known);
      }
    }
    if (h.sharedLog) {
      inRealTime();
      return;
    }
    Map<Integer, Long> highestBefore = new TreeMap<>();
    long highest = 0;
    List<long[]> seen = new ArrayList<>(); // (generation, id)
    for (History.Push p : h.pushes) {
      if (p.acknowledged() && p.eventId() > 0 && p.generation() > 0) seen.add(new long[] {p.generation(), p.eventId()});
    }
    for (History.Connection c : h.connections) for (History.Event e : c.events) seen.add(new long[] {c.generation, e.id()});
    seen.sort((a, b) -> Long.compare(a[0], b[0]));
    int i = 0;
    for (int g = 1; g <= maxGeneration(); g++) {
      while (i < seen.size() && seen.get(i)[0] < g) highest = Math.max(highest, seen.get(i++)[1]);
      highestBefore.put(g, highest);
    }
    for (History.Push p : h.pushes) {
      if (p.outcome() != History.Outcome.STORED || p.generation() == History.Push.UNKNOWN_GENERATION) continue;
      long before = highestBefore.getOrDefault(p.generation(), 0L);
      if (p.eventId() <= before) {
        violation("I3 " + p + " got event id " + p.eventId() + " in server generation " + p.generation()
            + ", not above id " + before + " seen before that restart: ids went backwards");
      }
    }
  }

  /**
   * Several servers append to one log, so one's restart orders nothing: a chunk stored after an id
   * was acknowledged or delivered anywhere (by the wall clock) must get a higher id.
   */
  private void inRealTime() {
    List<long[]> seen = new ArrayList<>(); // (clock it was known by, id)
    for (History.Push p : h.pushes) {
      if (p.acknowledged() && p.eventId() > 0) seen.add(new long[] {p.completeClock(), p.eventId()});
    }
    for (History.Connection c : h.connections) {
      for (History.Event e : c.events) if (!e.name().equals("resync")) seen.add(new long[] {e.at(), e.id()});
    }
    seen.sort((a, b) -> Long.compare(a[0], b[0]));
    List<History.Push> stored = new ArrayList<>();
    for (History.Push p : h.pushes) if (p.outcome() == History.Outcome.STORED) stored.add(p);
    stored.sort(java.util.Comparator.comparingLong(History.Push::invokeClock));
    long highest = 0;
    int i = 0;
    for (History.Push p : stored) {
      while (i < seen.size() && seen.get(i)[0] < p.invokeClock()) highest = Math.max(highest, seen.get(i++)[1]);
      if (p.eventId() <= highest) {
        violation("I3 " + p + " got event id " + p.eventId() + ", not above id " + highest + " known before it was"
            + " sent: ids went backwards");
      }
    }
  }

  private int maxGeneration() {
    int g = 1;
    for (History.Push p : h.pushes) g = Math.max(g, p.generation());
    for (History.Connection c : h.connections) g = Math.max(g, c.generation);
    return g;
  }

  private static boolean same(History.Event a, History.Event b) {
    if (!a.name().equals(b.name()) || !java.util.Objects.equals(a.replay(), b.replay()) || a.chunkIndex() != b.chunkIndex()) {
      return false;
    }
    return a.data() == null || b.data() == null || Arrays.equals(a.data(), b.data());
  }

  /** I2: increasing ids, after the resume point; delivered chunks byte for byte as pushed; resyncs only for retention. */
  private void order(History.Connection c) {
    long last = c.resumeAfter == null ? 0 : c.resumeAfter;
    for (History.Event e : c.events) {
      if (e.name().equals("resync")) {
        last = e.id(); // the viewer starts over at the latest replay: ids go on from its start
      } else if (e.id() <= last) {
        violation("I2 " + c + " got event " + e + " after event " + last + ": out of order or twice");
      }
      last = Math.max(last, e.id());
      if (e.name().equals("replay_chunk")) {
        byte[] want = h.payloads.get(History.key(e.replay(), e.chunkIndex()));
        if (want != null && !Arrays.equals(want, e.data())) {
          violation("I2 " + c + " got chunk " + e + " whose bytes differ from the ones pushed");
        }
      }
      boolean lostStream = e.reason() != null && e.reason().contains("stream was lost or replaced") && h.streamLost;
      if (e.name().equals("resync") && (e.reason() == null || !e.reason().contains("retention")) && !lostStream) {
        violation("I2 " + c + " was told to resync for a reason other than retention: " + e.reason());
      }
    }
  }

  /** I2: between two events a connection received, every event of its subscription it was owed. */
  private void gaps(History.Connection c) {
    List<History.Event> seg = new ArrayList<>();
    Long after = c.resumeAfter;
    // a viewer that resumes is owed what was removed while it was away: a resync must say so
    long since = c.resumeAfter == null ? c.openedClock : resumedFrom(c);
    for (History.Event e : c.events) {
      if (e.name().equals("resync")) {
        seg.clear(); // what came before the resync may have gaps: the viewer was told
        after = null;
        since = e.at(); // it starts over: replays removed before this are not owed
        continue;
      }
      seg.add(e);
    }
    if (seg.size() < 2) return;
    long floor = after == null ? seg.get(0).id() : 0;
    long from = after == null ? seg.get(0).id() : after;
    long to = seg.get(seg.size() - 1).id();
    java.util.Set<Long> got = new java.util.HashSet<>();
    for (History.Event e : seg) got.add(e.id());
    for (History.Event e : events.subMap(from, false, to, false).values()) {
      if (got.contains(e.id()) || !owed(c, e, floor, since)) continue;
      violation("I2 " + c + " skipped event " + e + " between " + from + " and " + to + " without a resync (it got "
          + c.events.stream().limit(12).map(History.Event::toString).toList() + ")");
    }
  }

  /** When the viewer received the event it resumes after (on an earlier connection), else when this one opened. */
  private long resumedFrom(History.Connection c) {
    long at = c.openedClock;
    for (History.Connection earlier : h.connections) {
      if (earlier.viewer != c.viewer || earlier == c) continue;
      for (History.Event e : earlier.events) if (e.id() == c.resumeAfter) at = Math.min(at, e.at());
    }
    return at;
  }

  /** Whether a connection with this floor had to get the event. */
  private boolean owed(History.Connection c, History.Event e, long floor, long since) {
    String run = Workload.runOf(e.replay());
    if (e.replay() == null || !c.covers(e.replay(), run) || h.degraded.contains(c.generation)) return false;
    if (e.name().equals("replay_chunk") && h.corrupted.contains(History.key(e.replay(), e.chunkIndex()))) return false;
    // a damaged record takes the start or end it carried with it (a repair ends the replay anew)
    if (!e.name().equals("replay_chunk") && damagedAny(e.replay())) return false;
    long start = startOf(e);
    if (start < 0 || start < floor) return false; // joined after it began (or its start was never seen)
    if (!listedSince(e.replay(), start, since)) return false; // removed before the viewer came (or started over)
    if (e.name().equals("replay_start") && worldDamaged(e.replay())) return false;
    if (c.run != null) {
      Long zero = chunkZero(e.replay(), start);
      if (zero == null || e.id() < zero) return false; // filed under its run from chunk 0 on
      // JetStream files a replay by its first message's subject: one whose chunk 0 came after another chunk stays
      // under no run (ARCHITECTURE, "Limits of the design"), for listings and subscriptions alike
      if (h.sharedLog && firstChunk(e.replay(), start) != 0) return false;
      // and only while that incarnation lasts: one retention removed may come back without chunk 0, under no run
      if (!listedSince(e.replay(), start, e.at())) return false;
    }
    return true;
  }

  /** True when a listing made at or after {@code clock} held this incarnation of the replay. */
  private boolean listedSince(String replay, long first, long clock) {
    for (History.Observation o : h.observations) {
      if (o.clock() < clock) continue;
      History.Listed l = o.replays().get(replay);
      if (l != null && l.firstEventId() == first) return true;
    }
    return false;
  }

  private boolean damagedAny(String replay) {
    synchronized (h.corrupted) {
      for (String k : h.corrupted) if (k.startsWith(replay + "#")) return true;
    }
    return false;
  }

  private boolean worldDamaged(String replay) {
    return !h.corruptedWorlds.isEmpty(); // a truncated world may silence any replay_start until it is stored again
  }

  /** The id of the replay_start of the incarnation the event belongs to, or -1. */
  private long startOf(History.Event e) {
    for (History.Event x : events.headMap(e.id(), true).descendingMap().values()) {
      if (x.name().equals("replay_start") && e.replay().equals(x.replay())) return x.id();
    }
    return -1;
  }

  /** The index of the first chunk of this incarnation any viewer saw, or -1. */
  private int firstChunk(String replay, long start) {
    for (History.Event x : events.tailMap(start, false).values()) {
      if (x.name().equals("replay_start") && replay.equals(x.replay())) return -1;
      if (x.name().equals("replay_chunk") && replay.equals(x.replay())) return x.chunkIndex();
    }
    return -1;
  }

  private Long chunkZero(String replay, long start) {
    for (History.Event x : events.tailMap(start, true).values()) {
      if (x.name().equals("replay_start") && replay.equals(x.replay()) && x.id() != start) return null;
      if (x.name().equals("replay_chunk") && replay.equals(x.replay()) && x.chunkIndex() == 0) return x.id();
    }
    return null;
  }

  /** I8: the server ended a live, reading connection while no more than the cap were connected. */
  private void evictions() {
    for (History.Connection c : h.connections) {
      // an eviction is the cap's decision alone: no fault excuses one while the cap was not exceeded
      if (c.serverReason != null && c.serverReason.startsWith("evicted")
          && c.liveWhenClosed <= workload.settings().maxViewers()) {
        violation("I8 " + c + " was evicted (" + c.serverReason + ") while only " + c.liveWhenClosed
            + " viewers were connected (cap " + workload.settings().maxViewers() + ")");
        continue;
      }
      if (c.closedByClient || !c.endedWhileServerUp || h.lateJoiners.containsKey(c.viewer)) continue;
      if (c.liveConnectionsAtEnd <= workload.settings().maxViewers()) {
        violation("I8 " + c + " was ended by the server (" + c.endCause + ") while only " + c.liveConnectionsAtEnd
            + " viewers were connected (cap " + workload.settings().maxViewers() + ")");
      }
    }
  }
}
