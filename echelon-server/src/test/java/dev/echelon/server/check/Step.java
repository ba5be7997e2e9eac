package dev.echelon.server.check;

/**
 * One step of a workload. Pushes run on a small pool of pushers (several at once, as trainers
 * do), viewers on threads of their own; every other step runs in order on the driver, so faults
 * land between and during pushes. {@code toString} is the history's printed form.
 */
sealed interface Step {
  /** Pushes a chunk; retries up to {@code retries} times when the answer is unknown or a 5xx. */
  record Push(String replay, int index, Integer count, boolean last, int retries) implements Step {
    @Override public String toString() {
      return "push " + replay + "#" + index + (count == null ? (last ? " final" : " live") : "/" + count);
    }
  }

  /** Pushes a chunk again that was pushed before: the answer must be "duplicate" once it was stored. */
  record Again(String replay, int index, Integer count, boolean last) implements Step {
    @Override public String toString() {
      return "again " + replay + "#" + index;
    }
  }

  /** A chunk that contradicts its replay's chunk_count: 409, and nothing stored. */
  record Conflict(String replay, int index, int wrongCount) implements Step {
    @Override public String toString() {
      return "conflict " + replay + "#" + index + "/" + wrongCount;
    }
  }

  /** Waits until every push in flight has its answer. */
  record Settle() implements Step {
    @Override public String toString() {
      return "settle";
    }
  }

  record Connect(int viewer, String run, String replay, boolean gzip) implements Step {
    @Override public String toString() {
      return "connect v" + viewer + (run != null ? " run=" + run : "") + (replay != null ? " replay=" + replay : "")
          + (gzip ? " gzip" : "");
    }
  }

  /** The viewer reconnects with the id of the last event it got. */
  record Reconnect(int viewer) implements Step {
    @Override public String toString() {
      return "reconnect v" + viewer;
    }
  }

  /** A viewer that vanished comes back: a new connection resuming after the last event it got. */
  record Return(int viewer) implements Step {
    @Override public String toString() {
      return "return v" + viewer;
    }
  }

  /** The viewer stops reading (its socket buffers fill) or starts again. */
  record Pause(int viewer, boolean paused) implements Step {
    @Override public String toString() {
      return (paused ? "pause v" : "resume v") + viewer;
    }
  }

  /** The viewer's process dies: its connection is closed without a word. */
  record Vanish(int viewer) implements Step {
    @Override public String toString() {
      return "vanish v" + viewer;
    }
  }

  /**
   * A full house of {@code count} viewers connects, all of them vanish at once (processes killed),
   * and as many new ones connect right away (PROTOCOL.md §3's cap applies): viewers
   * {@code firstViewer} to {@code firstViewer + 2 * count - 1}.
   */
  record Burst(int firstViewer, int count) implements Step {
    @Override public String toString() {
      return "burst v" + firstViewer + "..v" + (firstViewer + count - 1) + " vanish, then v" + (firstViewer + count)
          + "..v" + (firstViewer + 2 * count - 1);
    }
  }

  /** Lists the archive and reads some replays' details, recording what the server says. */
  record Observe() implements Step {
    @Override public String toString() {
      return "observe";
    }
  }

  /** SIGTERM and start again. */
  record Restart() implements Step {
    @Override public String toString() {
      return "restart";
    }
  }

  /** {@code kill -9} and start again. */
  record Crash() implements Step {
    @Override public String toString() {
      return "kill -9";
    }
  }

  /** The power goes; with {@code strict}, every unforced byte is lost, else some survive, torn. */
  record PowerCut(boolean strict) implements Step {
    @Override public String toString() {
      return strict ? "power cut" : "power cut (some unforced bytes survive)";
    }
  }

  /** The power goes inside the {@code ops}-th file operation from now, whatever it is. */
  record CutAfter(int ops, boolean strict) implements Step {
    @Override public String toString() {
      return "power cut after " + ops + " file ops" + (strict ? "" : " (some unforced bytes survive)");
    }
  }

  /** Another server is started on the same runs directory: it must refuse to start. */
  record SecondServer() implements Step {
    @Override public String toString() {
      return "second server on the same RUNS_DIR";
    }
  }

  /** The disk fills up (only what is stored now fits) or has room again. */
  record DiskFull(boolean full) implements Step {
    @Override public String toString() {
      return full ? "disk full" : "disk has room";
    }
  }

  /** Reads (or writes) of replay files fail with EIO, one in {@code oneIn}; 0 ends it. */
  record Eio(boolean writes, int oneIn) implements Step {
    @Override public String toString() {
      return oneIn == 0 ? "EIO off" : "EIO on " + (writes ? "writes" : "reads") + " 1/" + oneIn;
    }
  }

  /** A byte of a stored record of the replay goes bad on the medium. */
  record CorruptRecord(String replay, long salt) implements Step {
    @Override public String toString() {
      return "corrupt a record of " + replay;
    }
  }

  /** A world file is truncated on disk. */
  record CorruptWorld(int world) implements Step {
    @Override public String toString() {
      return "truncate world " + world;
    }
  }

  /** nats-server is killed and started again, on its store or (with {@code wipe}) on an empty one. */
  record NatsRestart(boolean wipe) implements Step {
    @Override public String toString() {
      return wipe ? "nats-server kill -9, restarted with an empty store" : "nats-server kill -9, restarted on its store";
    }
  }

  /** Someone removes the stream ({@code nats stream rm}) while the servers run. */
  record StreamRemove() implements Step {
    @Override public String toString() {
      return "nats stream rm";
    }
  }

  /** Time jumps forward, as if the server had been left alone. */
  record AdvanceClock(int seconds) implements Step {
    @Override public String toString() {
      return "clock +" + seconds + " s";
    }
  }
}
