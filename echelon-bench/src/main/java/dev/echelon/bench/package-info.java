/**
 * JMH benchmarks for the speed targets of the protocol and nav libraries: world hashing, graph
 * builds on fixture and synthetic worlds, A* queries, and a comparison with JGraphT's A*. Built
 * only in the {@code bench} profile; see BENCHMARKS.md for the commands and the figures.
 */
package dev.echelon.bench;
