package dev.echelon.server.log;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The replay log: every replay's chunks in one ordered, durable sequence of events. Pushes append
 * to it; viewers are readers at their own positions in it; listings read immutable snapshots of
 * it. It knows nothing of HTTP or viewers' connections: it only accepts appends and, once they
 * are durable, lets readers see them. {@link FileReplayLog} is the embedded implementation; the
 * interface is small so that a distributed log can stand behind it.
 */
public interface ReplayLog extends AutoCloseable {
  /** A short name for metrics and logs, e.g. {@code "file"}. */
  String backend();

  /** Where worlds are kept. */
  WorldStore worlds();

  /**
   * Applies PROTOCOL.md §2's rules and stores the chunk durably before returning; only then can
   * readers see its events. A chunk already stored intact is a duplicate and changes nothing; a
   * failed append stores nothing, so its retry is new. {@code encode} makes the chunk's payload
   * and is called only when the chunk is not a duplicate.
   *
   * @throws dev.echelon.server.base.ApiException 409 for a chunk that contradicts its replay, 507
   *     when storage is full, 503 when the log is unavailable
   */
  Appended append(PushedChunk chunk, Function<PushedChunk, Payload> encode);

  /**
   * A reader for one viewer. With {@code afterId} (a {@code Last-Event-ID}) it resumes after that
   * event, or starts with a RESYNC when events it asked for are gone; with null it starts at the
   * latest replay the subscription covers.
   */
  EventReader reader(Long afterId, Subscription filter);

  /** Every retained replay's summary, as it changes. */
  ReplayCatalog catalog();

  /** The stored indices of a replay, ascending; empty when unknown. */
  List<Integer> chunkIndices(String replayId);

  /** A stored chunk's {@code replay_chunk} payload; empty when absent, 404-worthy when damaged. */
  Optional<Payload> chunk(String replayId, int chunkIndex);

  /** The id of the last event readers can see. */
  long headEventId();

  /** False when the backend cannot take appends now (health checks answer 503). */
  boolean available();

  @Override void close();
}
