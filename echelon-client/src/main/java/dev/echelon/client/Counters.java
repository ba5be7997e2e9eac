package dev.echelon.client;

import java.util.concurrent.atomic.LongAdder;

/** Mutable counters behind {@link ClientStats}. */
final class Counters {
  final LongAdder sent = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder bytes = new LongAdder();
  volatile String lastError;
}
