/**
 * The replay log on NATS JetStream, for several stateless Echelon servers that share one durable,
 * replicated log: a chunk is one message on {@code <root>.replay.<run>.<replay_id>} (its stream
 * sequence is the event id), worlds live in an Object Store bucket, every server follows the
 * stream's headers to keep its own index for listings and rules, and a viewer is an ordered
 * consumer starting at its event id. Selected with {@code ECHELON_LOG=nats://...}.
 */
package dev.echelon.server.jetstream;
