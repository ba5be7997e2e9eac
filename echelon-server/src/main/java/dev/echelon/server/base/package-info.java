/**
 * What every layer of the server shares: the refusal type that carries a protocol status, and the
 * metrics registry behind {@code GET /metrics}. Nothing here knows HTTP routing, viewers or files.
 */
package dev.echelon.server.base;
