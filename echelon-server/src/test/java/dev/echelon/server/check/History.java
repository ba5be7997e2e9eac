package dev.echelon.server.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What happened in one run of a workload, as the clients saw it: every push attempt and its
 * answer, every event every viewer connection received, every listing, every fault. The checker
 * judges the server by this alone (plus what the fault injector knows it broke).
 */
final class History {
  /** How a push ended. */
  enum Outcome {
    /** 200 "ok". */ STORED,
    /** 200 "duplicate". */ DUPLICATE,
    /** 4xx: definitely not stored. */ REFUSED,
    /** 5xx: the server says it stored nothing. */ FAILED,
    /** No answer: it may or may not be stored. */ UNKNOWN
  }

  /**
   * One push attempt.
   *
   * @param step the workload step it came from (1-based), for the printed history
   * @param generation the server incarnation that answered it, or {@link #UNKNOWN_GENERATION} when a
   *     restart overlapped the attempt (either may have)
   * @param invokeClock the server clock when sent (milliseconds)
   * @param eventId the chunk's event id the answer named, or 0
   */
  record Push(int step, String replay, int index, Integer count, boolean last, int generation, long invokeClock,
      long completeClock, Outcome outcome, int status, long eventId, String detail) {
    static final int UNKNOWN_GENERATION = -1;

    boolean acknowledged() {
      return outcome == Outcome.STORED || outcome == Outcome.DUPLICATE;
    }

    @Override public String toString() {
      return "step " + step + " push " + replay + "#" + index + " -> " + outcome + " " + status
          + (eventId > 0 ? " id " + eventId : "") + (detail == null ? "" : " (" + detail + ")");
    }
  }

  /**
   * One SSE event as received; {@code replay} is a resync's {@code latest}, {@code reason} its
   * reason, {@code at} the server clock when it arrived.
   */
  record Event(long id, String name, String replay, int chunkIndex, byte[] data, String reason, long at) {
    @Override public String toString() {
      return id + " " + name + " " + replay + (chunkIndex >= 0 ? "#" + chunkIndex : "")
          + (reason != null ? " (" + reason + ")" : "");
    }
  }

  /** One connection of a viewer, from its request to its end. */
  static final class Connection {
    final int viewer;
    final int serial;
    final String run;
    final String replay;
    final boolean gzip;
    /** The Last-Event-ID it sent, or null for a fresh join. */
    final Long resumeAfter;
    final int generation;
    /** The server clock when it was opened. */
    final long openedClock;
    final List<Event> events = new CopyOnWriteArrayList<>();
    volatile boolean closedByClient;
    volatile boolean paused;
    volatile boolean ended;
    volatile String endCause;
    /** Set when the server ended the connection with no restart, stall or injected fault to explain it. */
    volatile boolean endedWhileServerUp;
    volatile int liveConnectionsAtEnd;
    /** Why the server said it ended the stream (its {@code : closed:} comment) while the viewer was there, or null. */
    volatile String serverReason;
    volatile int liveWhenClosed;

    Connection(int viewer, int serial, String run, String replay, boolean gzip, Long resumeAfter, int generation,
        long openedClock) {
      this.openedClock = openedClock;
      this.viewer = viewer;
      this.serial = serial;
      this.run = run;
      this.replay = replay;
      this.gzip = gzip;
      this.resumeAfter = resumeAfter;
      this.generation = generation;
    }

    boolean covers(String replayId, String runName) {
      return (replay == null || replay.equals(replayId)) && (run == null || run.equals(runName));
    }

    @Override public String toString() {
      return "v" + viewer + "/c" + serial + (run != null ? " run=" + run : "") + (replay != null ? " replay=" + replay : "")
          + (resumeAfter != null ? " after " + resumeAfter : "") + (gzip ? " gzip" : "");
    }
  }

  /**
   * A replay as one listing showed it; {@code firstEventId} tells its incarnations apart; kills and
   * duration are its outcome's (-1 and NaN when it had none).
   */
  record Listed(Integer chunkCount, Set<Integer> received, boolean complete, long frames, int chunksReceived,
      long firstEventId, int kills, double duration) {}

  /** What a listing showed at one moment; replays absent from it were not in the archive. */
  /**
   * One listing of the archive. It took time: a replay it holds was there at some point from
   * {@code clock} on; one it lacks was gone by {@code endClock} at the latest.
   */
  record Observation(int step, long clock, long endClock, int generation, Map<String, Listed> replays) {}

  /** A fault and when it happened. */
  record Fault(int step, long clock, int generationAfter, String what) {}

  final List<Push> pushes = new CopyOnWriteArrayList<>();
  final List<Connection> connections = new CopyOnWriteArrayList<>();
  final List<Observation> observations = new CopyOnWriteArrayList<>();
  final List<Fault> faults = new CopyOnWriteArrayList<>();
  /** Records the injector damaged, as (replay, chunk index). */
  final Set<String> corrupted = Collections.synchronizedSet(new TreeSet<>());
  /** Worlds the injector damaged. */
  final Set<String> corruptedWorlds = Collections.synchronizedSet(new TreeSet<>());
  /** Violations found while running (a server that would not start, a second server that did). */
  final List<String> immediate = new CopyOnWriteArrayList<>();
  /** Injected faults in force: a full disk, EIO on reads, EIO on writes. */
  volatile boolean diskFull;
  volatile boolean eioReads;
  volatile boolean eioWrites;
  /** Counts the times EIO was switched on, so a start-up can tell it overlapped one. */
  final java.util.concurrent.atomic.AtomicInteger eioEpisodes = new java.util.concurrent.atomic.AtomicInteger();
  /**
   * Server generations that started while reads or writes failed: recovery may have had to leave a replay
   * unread (and said so), so it is missing from that generation only.
   */
  final Set<Integer> degraded = Collections.synchronizedSet(new TreeSet<>());
  /** Chunk bodies read back at the end: (replay, index) to status and bytes. */
  final Map<String, Pushers.Answer> finalReads = Collections.synchronizedMap(new TreeMap<>());
  /** Whether the backend spares recently pushed replays from retention (I5 applies): the file log. */
  boolean sparesRecent = true;
  /** Several servers append to one log (NATS): ids are ordered by the wall clock, not by restarts. */
  boolean sharedLog;
  /** Set once NATS lost the stream (a wiped store, a removal): viewers are rightly told so. */
  volatile boolean streamLost;
  /** Event ids at or below which acknowledged data may be gone by the backend's own limits or losses. */
  long lossFloor;
  /** What the runs directory held after the final clean restart that it should not have. */
  List<String> leftovers = List.of();
  /** The archive recovered from a copy of the disk with and without the index files (null: not looked at). */
  Map<String, String> recoveredWith;
  Map<String, String> recoveredWithout;
  /** Replays a late joiner was opened for at the end, by viewer number. */
  final Map<Integer, String> lateJoiners = Collections.synchronizedMap(new TreeMap<>());
  /** What a replay's frames are, by (replay, chunk index): the byte-exact payload the server must give back. */
  final Map<String, byte[]> payloads = Collections.synchronizedMap(new TreeMap<>());

  /** True while an injected fault (EIO, a full disk) may end streams and fail requests. */
  boolean disturbed() {
    return diskFull || eioReads || eioWrites;
  }

  static String key(String replay, int index) {
    return replay + "#" + index;
  }

  /** Generations in which the server (re)started; a fault that restarts it opens a new one. */
  List<Integer> generations() {
    List<Integer> out = new ArrayList<>();
    for (Fault f : faults) out.add(f.generationAfter());
    return out;
  }

  /** Every push, fault and received event in clock order, one per line: for reading a failure. */
  String timeline() {
    List<Map.Entry<Long, String>> lines = new ArrayList<>();
    for (Push p : pushes) lines.add(Map.entry(p.completeClock(), p.toString()));
    for (Fault f : faults) lines.add(Map.entry(f.clock(), "step " + f.step() + " FAULT " + f.what()));
    for (Observation o : observations) {
      StringBuilder b = new StringBuilder("step " + o.step() + " LISTED");
      o.replays().forEach((id, l) -> b.append(' ').append(id).append("@").append(l.firstEventId()).append(l.received()));
      lines.add(Map.entry(o.clock(), b.toString()));
    }
    for (Connection c : connections) {
      lines.add(Map.entry(c.openedClock, c + " opened"));
      for (Event e : c.events) lines.add(Map.entry(e.at(), "  " + c + ": " + e));
    }
    lines.sort(Map.Entry.comparingByKey());
    StringBuilder b = new StringBuilder();
    for (var l : lines) b.append(l.getKey()).append(' ').append(l.getValue()).append('\n');
    return b.toString();
  }
}
