package dev.echelon.server.log;

/**
 * A viewer's cursor over the file log. Late join, {@code Last-Event-ID} resume, subscriptions and
 * slow viewers are one loop: find the next committed entry after the position that the
 * subscription covers, hand it out, move on; wait on the sequencer when there is none.
 */
final class FileEventReader implements EventReader {
  private final FileReplayLog log;
  private final Subscription filter;
  private long position;
  /** Events of replays that started before this id are not for this reader (it joined after them). */
  private long startFloor;
  private long tombstonesSeen;
  private String resync;

  FileEventReader(FileReplayLog log, Long afterId, Subscription filter) {
    this.log = log;
    this.filter = filter;
    this.tombstonesSeen = log.tombstones.count();
    if (afterId == null) {
      startAtLatest();
    } else if (afterId < 0 || afterId > log.sequencer.lastReserved()) {
      resync = "event " + afterId + " is unknown to this server (its log was replaced or the id is wrong)";
      startAtLatest();
    } else if (log.tombstones.lost(afterId, filter, 0, 0)) {
      resync = "events after " + afterId + " were removed by retention";
      startAtLatest();
    } else {
      position = afterId;
    }
  }

  private void startAtLatest() {
    position = log.snapshot().joinPosition(filter, log.sequencer.committed());
    startFloor = position + 1;
  }

  @Override public LogEvent poll(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      long seen = log.tombstones.count();
      if (seen != tombstonesSeen) {
        if (log.tombstones.lost(position, filter, startFloor, tombstonesSeen)) {
          resync = "events after " + position + " were removed by retention before this viewer read them";
          startAtLatest();
        }
        tombstonesSeen = seen;
      }
      if (resync != null) {
        String reason = resync;
        resync = null;
        return new LogEvent(position, LogEvent.Kind.RESYNC, log.snapshot().latest(filter).orElse(null), -1, null, reason);
      }
      long limit = log.sequencer.committed();
      LogEntry e = log.index.next(position, limit, filter, startFloor);
      if (e != null) {
        // retention records a removal before it removes entries: a changed count means one may have raced us
        if (log.tombstones.count() != tombstonesSeen) continue;
        position = e.id();
        LogEvent event = log.materialize(e);
        if (event != null) return event;
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      log.sequencer.awaitBeyond(limit, left);
    }
  }

  @Override public long position() {
    return position;
  }

  @Override public void close() {
    // holds nothing
  }
}
