package dev.echelon.server.log;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** The system clock, moved forward on demand: time passing without waiting for it. */
public final class TestClock implements InstantSource {
  private final AtomicLong offset = new AtomicLong();

  @Override public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override public long millis() {
    return System.currentTimeMillis() + offset.get();
  }

  public void advance(Duration d) {
    offset.addAndGet(d.toMillis());
  }
}
