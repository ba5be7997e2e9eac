package dev.echelon.server.log;

/**
 * A viewer's cursor over the file log. Late join, {@code Last-Event-ID} resume, subscriptions and
 * slow viewers are one loop: find the next committed entry after the position that the
 * subscription covers, hand it out, move on; wait on the sequencer when there is none. The
 * position moves past entries the subscription does not cover as they are looked at, so a quiet
 * subscription never scans them again.
 */
final class FileEventReader implements EventReader {
  private final FileReplayLog log;
  private final Subscription filter;
  private final Tombstones tombstones;
  private long position;
  /** Events of replays that started before this id are not for this reader (it joined after them). */
  private long startFloor;
  private long tombstonesSeen;
  private String resync;
  private volatile boolean woken;
  /** The thread that polls (a viewer's), unparked by {@link #wake}. */
  private volatile Thread polling;

  FileEventReader(FileReplayLog log, Long afterId, Subscription filter) {
    this.log = log;
    this.filter = filter;
    this.tombstones = log.state.tombstones;
    this.tombstonesSeen = tombstones.count();
    if (afterId == null) {
      startAtLatest();
    } else if (afterId < 0 || afterId > log.sequencer.lastReserved()) {
      resync = "event " + afterId + " is unknown to this server (its log was replaced or the id is wrong)";
      startAtLatest();
    } else if (tombstones.lost(afterId, filter, 0, 0)) {
      resync = "events after " + afterId + " were removed by retention";
      startAtLatest();
    } else {
      position = afterId;
    }
  }

  private void startAtLatest() {
    position = log.catalog.joinPosition(filter, log.sequencer.committed());
    startFloor = position + 1;
  }

  @Override public LogEvent poll(long timeoutNanos) throws InterruptedException {
    polling = Thread.currentThread();
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      long seen = tombstones.count();
      if (seen != tombstonesSeen) {
        if (tombstones.lost(position, filter, startFloor, tombstonesSeen)) {
          resync = "events after " + position + " were removed by retention before this viewer read them";
          startAtLatest();
        }
        tombstonesSeen = seen;
      }
      if (resync != null) {
        String reason = resync;
        resync = null;
        return new LogEvent(position, LogEvent.Kind.RESYNC, log.catalog.latest(filter).orElse(null), -1, null, reason);
      }
      long limit = log.sequencer.committed();
      LogEntry e = log.index.next(position, limit, filter, startFloor);
      if (e != null) {
        // retention records a removal before it removes entries: a changed count means one may have raced us
        if (tombstones.count() != tombstonesSeen) continue;
        position = e.id();
        LogEvent event = log.materialize(e);
        if (event != null) return event;
        continue;
      }
      position = Math.max(position, limit); // nothing up to the watermark is for us: never look at it again
      long left = deadline - System.nanoTime();
      if (left <= 0 || woken) {
        woken = false;
        return null;
      }
      log.sequencer.awaitBeyond(limit, left);
    }
  }

  @Override public void wake() {
    woken = true;
    Thread t = polling;
    if (t != null) java.util.concurrent.locks.LockSupport.unpark(t);
  }

  @Override public long position() {
    return position;
  }

  @Override public void close() {
    // holds nothing
  }
}
