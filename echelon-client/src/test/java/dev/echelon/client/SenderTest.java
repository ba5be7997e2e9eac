package dev.echelon.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The background sender: never blocks the caller, drops the oldest when full, closes by a deadline. */
@Timeout(30)
class SenderTest {
  private final Counters counters = new Counters();

  /** A job that waits for {@code go} (the trainer's replay on a slow network). */
  private static Sender.Job job(CountDownLatch started, CountDownLatch go) {
    return new Sender.Job() {
      @Override void run() throws InterruptedException {
        started.countDown();
        go.await();
        result.complete(null);
      }
    };
  }

  @Test
  void aFullQueueDropsTheOldestQueuedJobAndCountsIt() throws Exception {
    Sender sender = new Sender(2, counters);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    Sender.Job busy = job(running, go);
    sender.submit(busy);
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
    Sender.Job oldest = job(new CountDownLatch(1), go);
    Sender.Job second = job(new CountDownLatch(1), go);
    Sender.Job newest = job(new CountDownLatch(1), go);
    sender.submit(oldest);
    sender.submit(second);
    assertThat(sender.queued()).isEqualTo(3);

    long t0 = System.nanoTime();
    sender.submit(newest); // the queue holds 2: the oldest queued goes
    assertThat(System.nanoTime() - t0).as("submit never waits").isLessThan(TimeUnit.SECONDS.toNanos(1));

    assertThat(oldest.result).isCompletedExceptionally();
    try {
      oldest.result.get();
    } catch (ExecutionException e) {
      assertThat(((EchelonException) e.getCause()).kind()).isEqualTo(EchelonException.Kind.DROPPED);
    }
    assertThat(counters.dropped.sum()).isEqualTo(1);
    assertThat(counters.lastError).contains("send queue full (2)");
    go.countDown();
    second.result.get(5, TimeUnit.SECONDS);
    newest.result.get(5, TimeUnit.SECONDS);
    assertThat(busy.result).isCompleted();
    sender.close(Duration.ofSeconds(1));
    assertThat(sender.queued()).isZero();
  }

  @Test
  void closeSendsWhatItCanByTheDeadlineThenDropsTheRest() throws Exception {
    Sender sender = new Sender(8, counters);
    CountDownLatch running = new CountDownLatch(1);
    Sender.Job stuck = job(running, new CountDownLatch(1)); // never finishes on its own
    Sender.Job waiting = job(new CountDownLatch(1), new CountDownLatch(0));
    sender.submit(stuck);
    sender.submit(waiting);
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

    long t0 = System.nanoTime();
    sender.close(Duration.ofMillis(300));
    assertThat(System.nanoTime() - t0).as("close keeps its deadline").isLessThan(TimeUnit.SECONDS.toNanos(3));

    assertThat(stuck.result).isCompletedExceptionally();
    assertThat(waiting.result).isCompletedExceptionally();
    assertThat(sender.queued()).isZero();
    assertThat(counters.dropped.sum()).as("the one under way and the one queued").isEqualTo(2);
    Sender.Job late = job(new CountDownLatch(1), new CountDownLatch(0));
    sender.submit(late);
    assertThat(late.result).as("a closed sender takes nothing").isCompletedExceptionally();
  }
}
