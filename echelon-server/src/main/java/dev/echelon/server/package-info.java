/**
 * The Echelon replay server: trainers push worlds and replay chunks over HTTP, viewers watch them
 * live over Server-Sent Events, and navigation queries are answered from cached graphs. A thin
 * Helidon SE application: one {@code HttpService} per path prefix, errors mapped to JSON in one
 * place, and no state that grows with what is pushed.
 */
package dev.echelon.server;
