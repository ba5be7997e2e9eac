package dev.echelon.nav;

import java.util.Arrays;

/**
 * The answer of a path query: the nodes from start to goal, what they cost, and how much
 * searching it took, so callers can tell "unreachable" from "gave up on the budget".
 */
public final class Path {
  private final int[] nodes;
  private final double cost;
  private final int expanded;
  private final String failure;

  private Path(int[] nodes, double cost, int expanded, String failure) {
    this.nodes = nodes;
    this.cost = cost;
    this.expanded = expanded;
    this.failure = failure;
  }

  static Path found(int[] nodes, double cost, int expanded) {
    return new Path(nodes, cost, expanded, null);
  }

  static Path notFound(int expanded, String why) {
    return new Path(new int[0], Double.POSITIVE_INFINITY, expanded, why);
  }

  public boolean found() {
    return failure == null;
  }

  /** Why no path was returned, or null when one was. */
  public String failure() {
    return failure;
  }

  /** Number of nodes on the path, start and goal included. */
  public int length() {
    return nodes.length;
  }

  public int node(int i) {
    return nodes[i];
  }

  /** The node ids, start first (a copy). */
  public int[] nodes() {
    return nodes.clone();
  }

  /** Sum of edge costs in metres-weighted units; infinite when not found. */
  public double cost() {
    return cost;
  }

  /** Nodes expanded by the search. */
  public int expanded() {
    return expanded;
  }

  @Override public String toString() {
    return found()
        ? "Path[length=" + nodes.length + ", cost=" + cost + ", expanded=" + expanded + "]"
        : "Path[not found: " + failure + ", expanded=" + expanded + "]";
  }

  @Override public boolean equals(Object o) {
    return o instanceof Path p && Arrays.equals(p.nodes, nodes) && p.cost == cost;
  }

  @Override public int hashCode() {
    return Arrays.hashCode(nodes);
  }
}
