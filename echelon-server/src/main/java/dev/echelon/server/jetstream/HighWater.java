package dev.echelon.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest stream sequence (event id) this server has handed out or read, never lowered, not
 * even when the stream is lost. Servers answer each other's asks for it over core NATS, which
 * works while JetStream has lost its store: whoever makes a lost stream again carries its sequence
 * past every id any live server acknowledged, so no id is given twice. It is also kept in a file
 * under ECHELON_RUNS_DIR (the highest any process there wrote), so servers restarted while NATS had
 * lost its store still remember.
 *
 * <p>Servers also beat each other every {@link #BEAT} with their high water, so each knows who is
 * out there: an ask waits (up to {@link #ASK_MAX}) for every server heard from lately, asking again
 * while they reconnect to a NATS that just came back, instead of going on without the one that
 * handed out the highest id.
 */
final class HighWater implements AutoCloseable {
  /** How long an ask waits for answers from servers it has not heard of. */
  static final Duration ASK = Duration.ofMillis(300);
  /** How long an ask waits for a known server that has not answered: it may be reconnecting. */
  static final Duration ASK_MAX = Duration.ofSeconds(8);
  /** How often a server tells the others its high water. */
  static final Duration BEAT = Duration.ofSeconds(1);
  /** Beats missed while connected after which a server is taken for gone. */
  static final int FORGET_AFTER = 10;
  /** Headers naming the server that answers or beats (the body stays the bare number older servers read). */
  private static final String SERVER = "Echelon-Server";
  private static final String BYE = "Echelon-Bye";

  private final AtomicLong highest = new AtomicLong();
  private final Connection nc;
  private final String subject;
  private final String beats;
  private final String self;
  private final Dispatcher answers;
  private final Path file;
  /** The other servers heard from lately: id to {last heard (nanos), beats missed while connected}. */
  private final java.util.Map<String, long[]> peers = new java.util.concurrent.ConcurrentHashMap<>();
  private long saved;

  /**
   * @param subject outside the stream's subjects, or the asks would be stored
   * @param file where it is kept between runs, or null
   */
  HighWater(Connection nc, String subject, Path file) {
    this(nc, subject, file, java.util.UUID.randomUUID().toString());
  }

  /** @param self this server's name among the others (a process reconnecting keeps it) */
  HighWater(Connection nc, String subject, Path file, String self) {
    this.self = self;
    this.nc = nc;
    this.subject = subject;
    this.file = file;
    if (file != null) raise(saved = readOrZero(file));
    this.beats = subject + ".beat";
    this.answers = nc.createDispatcher(m -> {
      if (m.getSubject().equals(beats)) heard(m);
      else if (m.getReplyTo() != null) nc.publish(m.getReplyTo(), who(false), number());
    });
    answers.subscribe(subject);
    answers.subscribe(beats);
  }

  private byte[] number() {
    return Long.toString(highest.get()).getBytes(StandardCharsets.US_ASCII);
  }

  private io.nats.client.impl.Headers who(boolean leaving) {
    var h = new io.nats.client.impl.Headers().add(SERVER, self);
    return leaving ? h.add(BYE, "true") : h;
  }

  /** Folds in another server's answer or beat. */
  private void heard(Message m) {
    try {
      raise(Long.parseLong(new String(m.getData(), StandardCharsets.US_ASCII).strip()));
    } catch (NumberFormatException ignored) {
      return; // not one of ours
    }
    String id = m.getHeaders() == null ? null : m.getHeaders().getFirst(SERVER);
    if (id == null || id.equals(self)) return; // an older server, or our own beat
    if (m.getHeaders().getFirst(BYE) != null) peers.remove(id);
    else peers.put(id, new long[] {System.nanoTime(), 0});
  }

  /**
   * Tells the other servers this one's high water, and forgets servers silent for {@link
   * #FORGET_AFTER} beats. Beats missed while this server cannot reach NATS do not count: the
   * others were cut off with it.
   */
  void beat() {
    if (nc.getStatus() != Connection.Status.CONNECTED) return;
    long now = System.nanoTime();
    peers.entrySet().removeIf(e -> now - e.getValue()[0] > BEAT.toNanos() * 3 / 2 && ++e.getValue()[1] >= FORGET_AFTER);
    nc.publish(beats, who(false), number());
  }

  /** The other servers this one heard from lately. */
  int peers() {
    return peers.size();
  }

  void raise(long seq) {
    highest.accumulateAndGet(seq, Math::max);
  }

  long get() {
    return highest.get();
  }

  /**
   * The highest sequence this server or any other has seen: waits {@link #ASK} for answers, and
   * longer (up to {@link #ASK_MAX}, asking again) for servers heard from lately that have not
   * answered or beaten since the ask began.
   */
  long everywhere() throws InterruptedException {
    long start = System.nanoTime();
    java.util.Set<String> waiting = new java.util.HashSet<>(peers.keySet());
    String inbox = nc.createInbox();
    Subscription replies = nc.subscribe(inbox);
    try {
      long asked = 0;
      while (true) {
        long now = System.nanoTime();
        waiting.removeIf(id -> {
          long[] p = peers.get(id);
          return p == null || p[0] >= start; // gone, or heard since the ask began
        });
        if (now - start >= ASK_MAX.toNanos() || (waiting.isEmpty() && now - start >= ASK.toNanos())) break;
        if (asked == 0 || now - asked >= ASK.toNanos() / 3) { // again: a server reconnecting missed the last ask
          nc.publish(subject, inbox, new byte[0]);
          asked = now;
        }
        Message m = replies.nextMessage(Duration.ofMillis(50));
        if (m != null) heard(m);
      }
    } finally {
      replies.unsubscribe();
    }
    return highest.get();
  }

  /** Writes the highest id to the file when it rose; several processes may share it, so it keeps the max. */
  synchronized void save() {
    long now = highest.get();
    if (file == null || now <= saved) return;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
      ByteBuffer in = ByteBuffer.allocate(32);
      ch.read(in, 0);
      long there = parse(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
      if (there < now) {
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((now + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      }
      saved = now;
    } catch (IOException e) {
      // kept in memory and asked of the other servers meanwhile; the next save tries again
    }
  }

  private static long readOrZero(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return 0;
    }
  }

  private static long parse(String s) {
    try {
      return Math.max(0, Long.parseLong(s.strip()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override public void close() {
    save();
    try {
      if (nc.getStatus() == Connection.Status.CONNECTED) nc.publish(beats, who(true), number()); // not waited for
      nc.closeDispatcher(answers);
    } catch (IllegalStateException closing) {
      // the connection is closing already, and its dispatchers with it; the others forget us in ten beats
    }
  }
}
