package dev.echelon.nav;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The answer of a route query: the nodes from start to goal, their positions, what they cost, and
 * how much searching it took, so callers can tell "unreachable" from "gave up on the budget".
 */
public final class Route {
  /** How a query ended. */
  public enum Outcome {
    /** A least-cost route was found. */
    FOUND,
    /** No route exists between the two nodes. */
    UNREACHABLE,
    /** The search stopped at its expansion budget; a route may exist. */
    BUDGET,
    /** The graph has no nodes to start from. */
    NO_NODES
  }

  private final NavGraph graph;
  private final int[] nodes;
  private final double cost;
  private final int expanded;
  private final Outcome outcome;
  private final String failure;

  private Route(NavGraph graph, int[] nodes, double cost, int expanded, Outcome outcome, String failure) {
    this.graph = graph;
    this.nodes = nodes;
    this.cost = cost;
    this.expanded = expanded;
    this.outcome = outcome;
    this.failure = failure;
  }

  static Route found(NavGraph graph, int[] nodes, double cost, int expanded) {
    return new Route(graph, nodes, cost, expanded, Outcome.FOUND, null);
  }

  static Route notFound(NavGraph graph, int expanded, Outcome outcome, String why) {
    return new Route(graph, new int[0], Double.POSITIVE_INFINITY, expanded, outcome, why);
  }

  public boolean found() {
    return outcome == Outcome.FOUND;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** Why no route was returned, or null when one was. */
  public String failure() {
    return failure;
  }

  /** Number of nodes on the route, start and goal included. */
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

  /** Where each node stands, in metres, start first. */
  public List<Position> positions() {
    List<Position> out = new ArrayList<>(nodes.length);
    for (int n : nodes) out.add(graph.position(n));
    return out;
  }

  /** Sum of edge costs (metres, climbing weighted); infinite when not found. */
  public double cost() {
    return cost;
  }

  /** Nodes expanded by the search. */
  public int expanded() {
    return expanded;
  }

  @Override public String toString() {
    return found()
        ? "Route[length=" + nodes.length + ", cost=" + cost + ", expanded=" + expanded + "]"
        : "Route[" + outcome + ": " + failure + ", expanded=" + expanded + "]";
  }

  @Override public boolean equals(Object o) {
    return o instanceof Route r && Arrays.equals(r.nodes, nodes) && r.cost == cost && r.outcome == outcome;
  }

  @Override public int hashCode() {
    return Arrays.hashCode(nodes);
  }
}
