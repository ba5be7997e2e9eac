package dev.echelon.server.jetstream;

import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the end of every replay this server's index sees complete without one, on a thread of
 * its own (never the index's). Every server does it; {@code Nats-Msg-Id <replay>.end} keeps one
 * in the stream, so no end depends on one appender's timing: a trainer's last 200 is enough, and an
 * end that could not be published (NATS away) is tried again until it is there.
 */
final class EndPublisher implements AutoCloseable {
  private static final Logger LOG = System.getLogger(EndPublisher.class.getName());

  private final JetStream js;
  private final String streamName;
  private final LinkedBlockingQueue<ReplayEntry> queue = new LinkedBlockingQueue<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile StreamIndex index;
  private volatile boolean closed;

  EndPublisher(JetStream js, String streamName) {
    this.js = js;
    this.streamName = streamName;
    this.thread = Thread.ofPlatform().daemon().name("echelon-jetstream-ends").unstarted(this::run);
  }

  void start(StreamIndex index) {
    this.index = index;
    thread.start();
  }

  /** A replay became complete in the index (called under the index's lock: only queues). */
  void completed(ReplayEntry e) {
    if (queued.add(e.id)) queue.add(e);
  }

  private void run() {
    while (!closed) {
      ReplayEntry e;
      try {
        e = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        return;
      }
      if (e == null) continue;
      ReplayEntry now = index.copy(e.id);
      if (now == null || now.endEventId != 0 || !now.subject.equals(e.subject)) {
        queued.remove(e.id); // ended already, or evicted or replaced meanwhile
        continue;
      }
      try {
        Headers h = new Headers();
        h.add(Subjects.KIND, Subjects.END);
        h.add(Subjects.REPLAY, e.id);
        h.add(Subjects.AT, String.valueOf(System.currentTimeMillis()));
        js.publish(NatsMessage.builder().subject(e.subject).headers(h).data(new byte[0]).build(),
            PublishOptions.builder().expectedStream(streamName).messageId(e.id + ".end").build());
        queued.remove(e.id);
      } catch (Exception failed) {
        LOG.log(Level.DEBUG, "NATS log: the end of replay " + e.id + " is not published yet (" + failed.getMessage()
            + "); trying again");
        try {
          Thread.sleep(500);
        } catch (InterruptedException interrupted) {
          return;
        }
        queue.add(e);
      }
    }
  }

  @Override public void close() {
    closed = true;
    thread.interrupt();
  }
}
