package dev.echelon.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echelon.server.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Making a lost stream again, on a real nats-server. */
@Timeout(60)
class StreamKeeperIT {
  @TempDir Path dir;

  private static final StreamConfiguration CONFIG = StreamConfiguration.builder().name("KEEP")
      .subjects("KEEP.replay.>").storageType(StorageType.File).build();

  @Test
  void aServerThatKnowsNoIdsMakesTheStreamAgainPastTheIdsAnotherLiveServerHandedOut() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        Connection other = Nats.connect(nats.url());
        Connection fresh = Nats.connect(nats.url());
        HighWater handedOut = new HighWater(other, "_KEEP.highwater", null);
        HighWater knowsNothing = new HighWater(fresh, "_KEEP.highwater", null)) {
      other.flush(java.time.Duration.ofSeconds(2)); // its subscription is in place
      handedOut.raise(40); // the other server acknowledged id 40 before the stream was lost
      StreamKeeper keeper = new StreamKeeper(fresh.jetStreamManagement(), CONFIG, knowsNothing);

      StreamInfo info = keeper.ensure();

      assertThat(info.getStreamState().getFirstSequence()).as("the next id").isEqualTo(41);
      assertThat(keeper.making(info)).as("open to publishes").isFalse();
      assertThat(info.getConfiguration().getSubjects()).containsExactly("KEEP.replay.>");
      long seq = fresh.jetStream().publish("KEEP.replay.r.x", new byte[1]).getSeqno();
      assertThat(seq).isEqualTo(41);
    }
  }

  @Test
  void anAskIsAnsweredWithTheHighestIdEveryLiveServerSawAndNeverLowersOnesOwn() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        Connection a = Nats.connect(nats.url());
        Connection b = Nats.connect(nats.url());
        Connection c = Nats.connect(nats.url());
        HighWater first = new HighWater(a, "_KEEP.highwater", null);
        HighWater second = new HighWater(b, "_KEEP.highwater", null);
        HighWater asking = new HighWater(c, "_KEEP.highwater", null)) {
      a.flush(java.time.Duration.ofSeconds(2)); // their subscriptions are in place
      b.flush(java.time.Duration.ofSeconds(2));
      first.raise(7);
      second.raise(12);
      asking.raise(9);
      asking.raise(3);

      assertThat(asking.everywhere()).isEqualTo(12);
      assertThat(first.get()).as("answering changes nothing").isEqualTo(7);
    }
  }

  @Test
  void anAskWaitsForAServerHeardFromLatelyThatIsStillReconnecting() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        Connection a = Nats.connect(nats.url());
        Connection watch = Nats.connect(nats.url());
        HighWater asking = new HighWater(a, "_KEEP.highwater", null)) {
      Connection b = Nats.connect(nats.url());
      HighWater before = new HighWater(b, "_KEEP.highwater", null, "server-b");
      before.raise(10);
      before.beat();
      await(() -> asking.peers() == 1);
      before.raise(40); // acknowledged after its last beat
      b.close(); // then cut off, no goodbye: the asker still counts on it
      var asks = watch.subscribe("_KEEP.highwater");
      watch.flush(java.time.Duration.ofSeconds(2));

      var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return asking.everywhere();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(asks.nextMessage(java.time.Duration.ofSeconds(5))).as("the first ask").isNotNull();
      try (Connection back = Nats.connect(nats.url()); // the same server, reconnected after the first ask
          HighWater again = new HighWater(back, "_KEEP.highwater", null, "server-b")) {
        again.raise(40);
        assertThat(answer.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(40);
      }
    }
  }

  @Test
  void aServerThatSaidGoodbyeIsNotWaitedFor() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        Connection a = Nats.connect(nats.url());
        Connection b = Nats.connect(nats.url());
        HighWater asking = new HighWater(a, "_KEEP.highwater", null)) {
      HighWater leaving = new HighWater(b, "_KEEP.highwater", null);
      leaving.raise(5);
      leaving.beat();
      await(() -> asking.peers() == 1);
      leaving.close();
      await(() -> asking.peers() == 0);
      long start = System.nanoTime();
      assertThat(asking.everywhere()).isEqualTo(5);
      assertThat(System.nanoTime() - start).as("no wait for a server gone")
          .isLessThan(HighWater.ASK_MAX.toNanos() / 2);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not met within 10 s");
      Thread.sleep(20);
    }
  }

  @Test
  void theHighestIdIsKeptInTheRunsDirectoryAcrossRestartsAndNeverWrittenLower() throws Exception {
    Path file = dir.resolve("nats-KEEP.highwater");
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        Connection nc = Nats.connect(nats.url())) {
      try (HighWater before = new HighWater(nc, "_KEEP.highwater", file)) {
        before.raise(50);
        before.save();
        assertThat(java.nio.file.Files.readString(file).strip()).isEqualTo("50");
        java.nio.file.Files.writeString(file, "70\n"); // another process on this runs directory got further
        before.raise(60);
      } // closing saves
      assertThat(java.nio.file.Files.readString(file).strip()).as("the max of both processes").isEqualTo("70");
      try (HighWater restarted = new HighWater(nc, "_KEEP.highwater", file)) {
        assertThat(restarted.get()).isEqualTo(70);
      }
    }
  }

  @Test
  void aSealedStreamItsMakerOpenedMeanwhileIsNotPurgedByAServerThatTookItForAbandoned() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        Connection a = Nats.connect(nats.url());
        Connection b = Nats.connect(nats.url());
        HighWater makerWater = new HighWater(a, "_KEEP.highwater", null);
        HighWater otherWater = new HighWater(b, "_KEEP.highwater", null)) {
      StreamKeeper maker = new StreamKeeper(a.jetStreamManagement(), CONFIG, makerWater);
      StreamKeeper other = new StreamKeeper(b.jetStreamManagement(), CONFIG, otherWater);
      assertThat(maker.claim()).isTrue();
      StreamInfo sealed = other.ensure();
      assertThat(other.making(sealed)).as("the other server sees it sealed").isTrue();

      a.jetStreamManagement().updateStream(CONFIG); // the maker opens it (slowly, but it does)
      for (int i = 0; i < 3; i++) a.jetStream().publish("KEEP.replay.r.x", new byte[1]);
      otherWater.raise(3); // and the other server read those ids

      StreamInfo info = other.finish(sealed); // it had taken the stream for abandoned: it looks again first
      assertThat(info.getStreamState().getMsgCount()).as("acknowledged messages kept").isEqualTo(3);
      assertThat(a.jetStreamManagement().getStreamInfo("KEEP").getStreamState().getMsgCount()).isEqualTo(3);
    }
  }

  @Test
  void whenTwoServersFindTheStreamMissingAtOnceOnlyOneClaimsIt() throws Exception {
    try (NatsServer nats = new NatsServer(dir.resolve("nats"), "n1").start();
        Connection a = Nats.connect(nats.url());
        Connection b = Nats.connect(nats.url());
        HighWater first = new HighWater(a, "_KEEP.highwater", null);
        HighWater second = new HighWater(b, "_KEEP.highwater", null)) {
      StreamKeeper one = new StreamKeeper(a.jetStreamManagement(), CONFIG, first);
      StreamKeeper other = new StreamKeeper(b.jetStreamManagement(), CONFIG, second);

      assertThat(one.claim()).isTrue();
      assertThat(other.claim()).as("a second claim would open it a second time, purging what came meanwhile").isFalse();
      assertThat(other.making(a.jetStreamManagement().getStreamInfo("KEEP"))).isTrue();
    }
  }
}
