/**
 * The SDK that Java trainers use to stream replays to an Echelon server. It is built so that
 * watching can never hurt training: submissions return at once onto a bounded background queue,
 * worlds are uploaded once per hash, every body is gzip-compressed, retries back off, and a server
 * that stays down costs one warning line, not a stalled or crashed training loop.
 */
package dev.echelon.client;
