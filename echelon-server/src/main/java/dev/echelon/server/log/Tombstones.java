package dev.echelon.server.log;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What retention removed, so a viewer is told to resync exactly when events it asked for are
 * gone, and recovery finishes a removal a crash interrupted. The newest {@value #MAX} removals are
 * kept one by one; older ones fold into a floor below which any resume resyncs. In memory only:
 * {@link LogState} makes them durable for the file log; the JetStream log keeps the replays its
 * stream's limits evicted here. Readers check {@link #count} on every poll without a lock, and look
 * closer only when it moved.
 */
public final class Tombstones {
  static final int MAX = 10_000;

  /** One removed replay: its id, run and the event ids it spanned. */
  public record Tombstone(String replayId, String runName, long firstEventId, long lastEventId) {
    boolean covers(long after, Subscription filter, long startFloor) {
      return lastEventId > after && firstEventId >= startFloor && filter.matches(replayId, runName);
    }
  }

  private final Tombstone[] ring = new Tombstone[MAX];
  private final Set<String> incarnations = new HashSet<>();
  private int head;
  private int size;
  /** Tombstones folded into the floor; ring position k holds tombstone number dropped + k. */
  private long dropped;
  private long floor;
  private volatile long count;

  /** Restores what {@link LogState} read. */
  synchronized void restore(long floor, long dropped, List<Tombstone> kept) {
    this.floor = floor;
    this.dropped = dropped;
    for (Tombstone t : kept) add(t);
  }

  public synchronized void add(Tombstone t) {
    if (size == MAX) {
      Tombstone oldest = ring[head];
      incarnations.remove(oldest.replayId() + "@" + oldest.firstEventId());
      floor = Math.max(floor, oldest.lastEventId() + 1);
      head = (head + 1) % MAX;
      size--;
      dropped++;
    }
    ring[(head + size) % MAX] = t;
    size++;
    incarnations.add(t.replayId() + "@" + t.firstEventId());
    count = dropped + size;
  }

  /** Makes every resume before {@code id} resync (when what was removed before it is unknown). */
  synchronized void raiseFloor(long id) {
    floor = Math.max(floor, id);
  }

  /** Tombstones ever added, as a position readers remember. */
  public long count() {
    return count;
  }

  /** True when the removal of this incarnation of a replay was recorded (recovery finishes it). */
  synchronized boolean removed(String replayId, long firstEventId) {
    return incarnations.contains(replayId + "@" + firstEventId);
  }

  /**
   * True when something {@code filter} covers after event {@code after} was removed, looking at
   * tombstones from number {@code from} on.
   */
  public synchronized boolean lost(long after, Subscription filter, long startFloor, long from) {
    if ((from == 0 || from < dropped) && after < floor) return true;
    for (int k = (int) Math.max(0, from - dropped); k < size; k++) {
      if (ring[(head + k) % MAX].covers(after, filter, startFloor)) return true;
    }
    return false;
  }

  /** The state to write when {@link LogState} compacts. */
  record Saved(long floor, long dropped, List<Tombstone> kept) {}

  synchronized Saved saved() {
    List<Tombstone> kept = new ArrayList<>(size);
    for (int k = 0; k < size; k++) kept.add(ring[(head + k) % MAX]);
    return new Saved(floor, dropped, kept);
  }
}
