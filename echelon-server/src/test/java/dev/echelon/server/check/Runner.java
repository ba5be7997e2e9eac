package dev.echelon.server.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plays a workload against a target and records what every client saw, then brings the server
 * back cleanly and reads everything back: every acknowledged chunk by GET and by a late joiner of
 * its replay, the listing, the worlds, and what the runs directory holds.
 */
final class Runner implements AutoCloseable {
  private static final Duration LATE_JOIN_WAIT = Duration.ofSeconds(5);
  /**
   * How long servers on a shared log may take to list again after the last restart: a stream lost
   * just before it is made again within 10 s (a claim its dead maker left is taken over then).
   */
  private static final Duration SHARED_LOG_SETTLE = Duration.ofSeconds(20);

  private final Workload workload;
  private final Target target;
  final History history;
  private final Pushers pushers;
  private final Viewers viewers;
  private final Random random;
  private final Thread observer;
  private volatile boolean observing = true;
  private volatile int step;
  private volatile String lastObserveFailure;

  Runner(Workload workload, Target target, History history) {
    this.workload = workload;
    this.history = history;
    this.target = target;
    this.pushers = new Pushers(target, history);
    this.viewers = new Viewers(target, history, workload.settings().stallMillis());
    this.random = new Random(workload.seed() ^ 0x5eed);
    this.observer = Thread.ofPlatform().daemon().name("check-observer").start(() -> {
      while (observing) {
        try {
          observe();
        } catch (RuntimeException e) {
          history.immediate.add("HARNESS the observer failed: " + e + HistoryCheck.where(e));
          return;
        }
        try {
          Thread.sleep(150); // a listing every so often narrows when a replay went
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /** Runs every step, then the final read-back. */
  /** Where a run's time went, by step kind (ECHELON_CHECK_PROFILE=1 prints it). */
  static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> PROFILE =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static void time(String what, long t0) {
    PROFILE.computeIfAbsent(what, k -> new java.util.concurrent.atomic.LongAdder()).add(System.nanoTime() - t0);
  }

  History run() throws InterruptedException {
    try {
      for (Step s : workload.steps()) {
        step++;
        long t0 = System.nanoTime();
        apply(s);
        time(s.getClass().getSimpleName(), t0);
      }
      long t0 = System.nanoTime();
      finish();
      time("finish", t0);
    } catch (SimTarget.StartFailure e) {
      history.immediate.add("I6 " + e.getMessage());
    }
    return history;
  }

  private void apply(Step s) throws InterruptedException {
    switch (s) {
      case Step.Push p -> pushers.submit(step, p.replay(), p.index(), p.count(), p.last(), p.retries());
      case Step.Again a -> pushers.submit(step, a.replay(), a.index(), a.count(), a.last(), 0);
      case Step.Conflict c -> pushers.submit(step, c.replay(), c.index(), c.wrongCount(), false, 0);
      case Step.Settle x -> pushers.settle();
      case Step.Connect c -> viewers.connect(c.viewer(), c.run(), c.replay(), c.gzip(), null);
      case Step.Reconnect r -> viewers.reconnect(r.viewer());
      case Step.Return r -> viewers.comeBack(r.viewer());
      case Step.Pause p -> viewers.pause(p.viewer(), p.paused());
      case Step.Vanish v -> viewers.vanish(v.viewer());
      case Step.Burst b -> {
        viewers.vanishAll();
        int first = b.firstViewer();
        int n = b.count();
        for (int v = first; v < first + n; v++) viewers.connect(v, null, null, v % 2 == 0, null);
        for (int v = first; v < first + n; v++) viewers.awaitStarted(v, java.time.Duration.ofSeconds(2));
        viewers.vanishAll(); // their slots are taken until the server notices
        for (int v = first + n; v < first + 2 * n; v++) viewers.connect(v, null, null, v % 2 == 0, null);
      }
      case Step.Observe o -> observe();
      case Step.Restart r -> fault(s, target::restart);
      case Step.Crash c -> fault(s, target::crash);
      case Step.PowerCut c -> fault(s, () -> target.powerCut(c.strict()));
      case Step.CutAfter c -> fault(s, () -> target.cutAfter(c.ops(), c.strict()));
      case Step.SecondServer x -> second();
      case Step.DiskFull d -> {
        history.diskFull = d.full();
        fault(s, () -> target.diskFull(d.full()));
      }
      case Step.Eio e -> {
        if (e.oneIn() > 0) history.eioEpisodes.incrementAndGet();
        history.eioReads = e.oneIn() > 0 && !e.writes();
        history.eioWrites = e.oneIn() > 0 && e.writes();
        fault(s, () -> target.eio(e.writes(), e.oneIn()));
      }
      case Step.CorruptRecord c -> {
        int index = target.corruptRecord(c.replay(), c.salt());
        if (index >= 0) {
          history.corrupted.add(History.key(c.replay(), index));
          history.faults.add(new History.Fault(step, target.clockMillis(), target.generation(),
              "record of " + c.replay() + "#" + index + " damaged on the medium"));
        }
      }
      case Step.CorruptWorld c -> corruptWorld(c.world());
      case Step.AdvanceClock a -> fault(s, () -> target.advanceClock(a.seconds() * 1000L));
      case Step.NatsRestart n -> {
        history.streamLost |= n.wipe();
        fault(s, () -> target.natsRestart(n.wipe()));
      }
      case Step.StreamRemove x -> {
        history.streamLost = true;
        fault(s, target::removeStream);
      }
    }
  }

  private void fault(Step s, Runnable action) {
    action.run();
    history.faults.add(new History.Fault(step, target.clockMillis(), target.generation(), s.toString()));
  }

  /** A second server on the same runs directory must refuse; one that starts is used as a careless operator would. */
  private void second() {
    int generation = target.generation();
    String refusal = target.startSecond();
    if (refusal != null) {
      if (target.generation() == generation && (!refusal.contains("ECHELON_RUNS_DIR") || !refusal.contains("pid"))) {
        history.immediate.add("I6 a second server on the same RUNS_DIR refused without naming the directory and the "
            + "process holding it: " + refusal);
      }
      return;
    }
    history.faults.add(new History.Fault(step, target.clockMillis(), target.generation(),
        "a second server started on the same RUNS_DIR"));
    for (var p : List.copyOf(history.pushes)) {
      if (random.nextInt(3) != 0) continue;
      pushers.push(step, target::secondUrl, p.replay(), p.index() + 1, p.count(), false);
      pushers.push(step, target::secondUrl, "second" + p.index(), 0, 1, false);
    }
    target.stopSecond();
  }

  private void corruptWorld(int w) {
    String hash = pushers.worlds[w];
    int generation = target.generation();
    if (!target.corruptWorld(hash)) return;
    history.corruptedWorlds.add(hash);
    history.faults.add(new History.Fault(step, target.clockMillis(), target.generation(), "world " + w + " truncated"));
    int head = pushers.head(target.url("/worlds/" + hash));
    Pushers.Answer get = pushers.get(target.url("/worlds/" + hash));
    if (head == 200 && get.status() != 200 && get.status() != 0) {
      history.immediate.add("I9 world " + hash + " is damaged on disk: HEAD answers 200 but GET answers " + get.status()
          + ", so a trainer never uploads it again");
    }
    int put = pushers.putWorld(target::url, w);
    boolean understandable = put == 0 || put == 503 || put == 507 && history.diskFull // no answer, or a full disk
        || target.generation() != generation; // a power cut went off meanwhile
    if (put != 200 && !understandable) {
      history.immediate.add("I9 a PUT of world " + hash + "'s good bytes answered " + put);
    }
    Pushers.Answer again = pushers.get(target.url("/worlds/" + hash));
    if (put == 200 && again.status() != 0 && (again.status() != 200
        || !new String(again.body()).equals(pushers.worldJson[w]))) {
      history.immediate.add("I9 after a good PUT, GET of world " + hash + " answers " + again.status());
    }
  }

  /**
   * Lists the archive as it is now; false when the server did not answer it whole. One listing at a
   * time (the observer thread and the steps both list), so they are recorded in the order they saw.
   */
  synchronized boolean observe() {
    int generation = target.generation();
    long clock = target.clockMillis();
    Pushers.Answer list = pushers.get(target.url("/replays?limit=1000"));
    if (list.status() != 200) {
      lastObserveFailure = "GET /replays answered " + list.status() + " " + new String(list.body());
      return false;
    }
    Map<String, History.Listed> replays = new TreeMap<>();
    try {
      for (JsonNode r : Json.mapper().readTree(list.body()).get("replays")) {
        String id = r.get("replay_id").asText();
        Pushers.Answer one = pushers.get(target.url("/replays/" + id));
        if (one.status() == 404) continue; // removed since the list was made
        if (one.status() != 200) {
          lastObserveFailure = "GET /replays/" + id + " answered " + one.status() + " " + new String(one.body());
          return false;
        }
        JsonNode d = Json.mapper().readTree(one.body());
        Set<Integer> received = new TreeSet<>();
        for (JsonNode i : d.get("received")) received.add(i.asInt());
        replays.put(id, new History.Listed(d.get("chunk_count").isNull() ? null : d.get("chunk_count").asInt(),
            received, d.get("complete").asBoolean(), d.get("frames").asLong(), d.get("chunks_received").asInt(),
            d.get("first_event_id").asLong(), d.path("outcome").path("kills").asInt(-1),
            d.path("outcome").path("duration_s").asDouble(Double.NaN)));
      }
    } catch (IOException | RuntimeException e) {
      lastObserveFailure = e.toString();
      return false;
    }
    if (target.generation() != generation) return false;
    history.observations.add(new History.Observation(step, clock, target.clockMillis(), generation, replays));
    return true;
  }

  private void finish() throws InterruptedException {
    step++;
    pushers.settle();
    target.cutAfter(Integer.MAX_VALUE, true);
    target.eio(false, 0);
    target.diskFull(false);
    history.diskFull = false;
    history.eioReads = false;
    history.eioWrites = false;
    fault(new Step.Restart(), target::restart);
    history.sparesRecent = target.sparesRecentReplays();
    history.sharedLog = target.sharedLog();
    observing = false;
    observer.join();
    long until = System.nanoTime() + (history.sharedLog ? SHARED_LOG_SETTLE : LATE_JOIN_WAIT).toNanos();
    while (!observe()) {
      if (System.nanoTime() > until) {
        history.immediate.add("I6 the server restarted cleanly does not list its archive: " + lastObserveFailure);
        return;
      }
      Thread.sleep(20);
    }
    History.Observation last = history.observations.get(history.observations.size() - 1);
    Set<String> replays = new TreeSet<>(last.replays().keySet());
    Map<String, Set<Integer>> toRead = new HashMap<>();
    for (History.Push p : history.pushes) toRead.computeIfAbsent(p.replay(), k -> new TreeSet<>()).add(p.index());
    for (var e : last.replays().entrySet()) toRead.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).addAll(e.getValue().received());
    for (var e : toRead.entrySet()) {
      for (int i : e.getValue()) {
        history.finalReads.put(History.key(e.getKey(), i), pushers.get(target.url("/replays/" + e.getKey() + "/chunks/" + i)));
      }
    }
    int v = 100_000;
    viewers.vanishAll();
    for (String id : replays) { // one at a time: the server's viewer cap may be 2
      history.lateJoiners.put(v, id);
      History.Connection c = viewers.connect(v, null, id, random.nextBoolean(), null);
      Set<Integer> want = new TreeSet<>();
      for (int i : last.replays().get(id).received()) {
        Pushers.Answer read = history.finalReads.get(History.key(id, i));
        if (read != null && read.status() == 200) want.add(i); // one found damaged when read is not sent either
      }
      long deadline = System.nanoTime() + LATE_JOIN_WAIT.toNanos();
      while (System.nanoTime() < deadline && !c.ended && !hasAll(v, id, want)) Thread.sleep(2);
      viewers.vanish(v++);
    }
    // retention may have run meanwhile (the restart asks for a pass): the checker judges by the archive as it
    // is after the reads, and a replay listed before and after them was there throughout
    until = System.nanoTime() + LATE_JOIN_WAIT.toNanos();
    while (!observe() && System.nanoTime() < until) Thread.sleep(20);
    viewers.vanishAll();
    history.lossFloor = target.lossFloor();
  }

  private boolean hasAll(int viewer, String replay, Set<Integer> want) {
    Set<Integer> got = new TreeSet<>();
    for (History.Connection c : history.connections) {
      if (c.viewer != viewer) continue;
      for (History.Event e : c.events) if (e.name().equals("replay_chunk") && replay.equals(e.replay())) got.add(e.chunkIndex());
    }
    return got.containsAll(want);
  }

  @Override public void close() {
    observing = false;
    observer.interrupt();
    viewers.close();
    pushers.close();
  }
}
