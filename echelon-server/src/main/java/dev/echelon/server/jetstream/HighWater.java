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
 */
final class HighWater implements AutoCloseable {
  /** How long an ask waits for the other servers' answers. */
  static final Duration ASK = Duration.ofMillis(300);

  private final AtomicLong highest = new AtomicLong();
  private final Connection nc;
  private final String subject;
  private final Dispatcher answers;
  private final Path file;
  private long saved;

  /**
   * @param subject outside the stream's subjects, or the asks would be stored
   * @param file where it is kept between runs, or null
   */
  HighWater(Connection nc, String subject, Path file) {
    this.nc = nc;
    this.subject = subject;
    this.file = file;
    if (file != null) raise(saved = readOrZero(file));
    this.answers = nc.createDispatcher(m -> {
      if (m.getReplyTo() != null) nc.publish(m.getReplyTo(), Long.toString(highest.get()).getBytes(StandardCharsets.US_ASCII));
    });
    answers.subscribe(subject);
  }

  void raise(long seq) {
    highest.accumulateAndGet(seq, Math::max);
  }

  long get() {
    return highest.get();
  }

  /** The highest sequence this server or any that answers within {@link #ASK} has seen. */
  long everywhere() throws InterruptedException {
    String inbox = nc.createInbox();
    Subscription replies = nc.subscribe(inbox);
    try {
      nc.publish(subject, inbox, new byte[0]);
      long deadline = System.nanoTime() + ASK.toNanos();
      long left;
      while ((left = deadline - System.nanoTime()) > 0) {
        Message m = replies.nextMessage(Duration.ofNanos(left));
        if (m == null) break;
        try {
          raise(Long.parseLong(new String(m.getData(), StandardCharsets.US_ASCII).strip()));
        } catch (NumberFormatException ignored) {
          // not one of ours
        }
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
    nc.closeDispatcher(answers);
  }
}
