package dev.echelon.server.live;

import dev.echelon.server.log.EventReader;
import dev.echelon.server.log.LogEvent;
import dev.echelon.server.log.Payload;
import dev.echelon.server.log.StoredWorld;
import dev.echelon.server.log.Subscription;
import dev.echelon.server.log.WorldStore;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * One connected viewer: a reader over the log and the connection it writes to, driven by the
 * viewer's own request thread. It holds one event at a time, so a slow viewer costs the server no
 * more than that; its progress is watched write by write, and only a connection that makes none
 * for the stall time is dropped. An idle viewer's thread sleeps until an event, a probe or the
 * keepalive timer ({@link Viewers}) wakes it. Closing it interrupts its thread, which also closes
 * its socket.
 */
public final class Cursor {
  private static final Logger LOG = System.getLogger(Cursor.class.getName());
  /**
   * Writes are cut to this size so that progress is seen even on slow connections (larger ones
   * cost more time to the push→viewer tail than they save).
   */
  private static final int SLICE = 64 * 1024;
  /** A wait that ends when the reader is woken: by an event, a probe, the keepalive timer or a close. */
  private static final long UNTIL_WOKEN_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);
  static final String CHUNK = "replay_chunk";
  /** Between the two pings of a probe: enough for a vanished peer's reset to come back. */
  private static final long PROBE_GAP_NANOS = 20_000_000L;

  final long serial;
  final Subscription filter;
  private final WireFrames frames;
  private volatile Thread thread;
  private volatile EventReader reader;
  /** Pings still to write to prove the connection is there (a probe writes two). */
  private volatile int probes;
  private volatile boolean closed;
  private volatile String closeReason;
  /** When the write in progress began, or 0 when none is. */
  private volatile long writingSince;
  /** When the stream last wrote anything: the keepalive timer writes to streams silent for long. */
  private volatile long lastWriteNanos = System.nanoTime();
  private volatile boolean keepaliveDue;

  Cursor(long serial, Subscription filter, WireFrames frames) {
    this.serial = serial;
    this.filter = filter;
    this.frames = frames;
  }

  /** Nanoseconds since the stream last wrote. */
  long silentNanos(long nowNanos) {
    return nowNanos - lastWriteNanos;
  }

  /** Asks the viewer's thread to write a keepalive comment (the stream was silent for the keepalive time). */
  void keepalive() {
    keepaliveDue = true;
    EventReader r = reader;
    if (r != null) r.wake();
  }

  public boolean isClosed() {
    return closed;
  }

  public String closeReason() {
    return closeReason;
  }

  /** True when a write has made no progress for longer than {@code stallNanos}. */
  boolean stalled(long nowNanos, long stallNanos) {
    long w = writingSince;
    return w != 0 && nowNanos - w > stallNanos;
  }

  /**
   * Asks the viewer's thread to write two pings a moment apart now: a connection whose peer is
   * gone fails the second, and its slot frees at once.
   */
  void probe() {
    probes = 2;
    EventReader r = reader;
    if (r != null) r.wake();
  }

  /** Ends the stream: the serving thread is interrupted, which also unblocks a stuck write. */
  void close(String reason) {
    if (closed) return;
    closeReason = reason;
    closed = true;
    Thread t = thread;
    if (t != null) t.interrupt();
  }

  /**
   * Writes events until the viewer goes away or is closed. Runs on the viewer's request thread.
   *
   * @param out the response body
   * @param gzip whether to write a gzip stream
   */
  public void serve(EventReader reader, OutputStream out, boolean gzip, WorldStore worlds) throws IOException {
    thread = Thread.currentThread();
    this.reader = reader; // closed already (evicted as it came): it still says why
    SseWriter writer = new SseWriter(new Progress(out), gzip);
    try {
      writer.text(EventFormat.PREAMBLE);
      while (!closed) {
        LogEvent e = reader.poll(probes > 0 ? PROBE_GAP_NANOS : UNTIL_WOKEN_NANOS);
        if (e == null) {
          if (keepaliveDue) {
            keepaliveDue = false;
            writer.text(EventFormat.keepalive(System.currentTimeMillis() / 1000)); // a gone peer fails the next one
          } else if (probes > 0) {
            probes--;
            writer.text(EventFormat.PING); // a connection whose peer is gone fails this write, or the next
          }
          continue;
        }
        Payload data;
        while (true) { // a world store that cannot answer now (NATS away) delays the event, never skips it
          try {
            data = data(e, worlds);
            break;
          } catch (dev.echelon.server.base.ApiException unavailable) {
            if (unavailable.status() != 503) throw unavailable;
            writer.text(EventFormat.PING); // a viewer that left fails this write
            Thread.sleep(500);
          }
        }
        if (data == null) continue;
        if (e.kind() == LogEvent.Kind.CHUNK && (gzip || !data.plainHeld())) {
          writer.event(frames.chunk(e.id(), data, gzip)); // framed once for every viewer of this encoding
        } else {
          // the payload's own shared parts, as they are: a push's bytes, a world (never a copy per viewer)
          writer.event(e.id(), name(e.kind()), data);
        }
      }
    } catch (InterruptedException e) {
      // closed: end the stream
    } finally {
      closed = true;
      reader.close();
    }
    String why = closeReason;
    if (why != null) writer.text(EventFormat.closed(why));
    writer.finish();
  }

  private Payload data(LogEvent e, WorldStore worlds) {
    return switch (e.kind()) {
      case START -> {
        StoredWorld w = worlds.find(e.replay().worldRef()).orElse(null);
        if (w == null) {
          LOG.log(Level.WARNING, "world " + e.replay().worldRef() + " of replay " + e.replay().replayId()
              + " is gone; its replay_start is skipped");
          yield null;
        }
        yield EventFormat.start(e.replay(), w);
      }
      case CHUNK -> e.payload();
      case END -> EventFormat.end(e.replay().replayId());
      case RESYNC -> EventFormat.resync(e.reason(), e.latestReplayId());
    };
  }

  static String name(LogEvent.Kind kind) {
    return switch (kind) {
      case START -> "replay_start";
      case CHUNK -> CHUNK;
      case END -> "replay_end";
      case RESYNC -> "resync";
    };
  }

  /** The response stream, written in slices whose progress the stall watchdog can see. */
  private final class Progress extends OutputStream {
    private final OutputStream out;

    Progress(OutputStream out) {
      this.out = out;
    }

    @Override public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override public void write(byte[] b, int off, int len) throws IOException {
      for (int p = off, end = off + len; p < end; p += SLICE) {
        writingSince = System.nanoTime();
        out.write(b, p, Math.min(SLICE, end - p));
        writingSince = 0;
      }
      lastWriteNanos = System.nanoTime();
    }

    @Override public void flush() throws IOException {
      writingSince = System.nanoTime();
      out.flush();
      writingSince = 0;
    }
  }
}
