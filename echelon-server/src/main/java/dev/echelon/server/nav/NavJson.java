package dev.echelon.server.nav;

import dev.echelon.nav.GraphStats;
import dev.echelon.nav.NavGraph;
import dev.echelon.nav.Route;
import java.nio.charset.StandardCharsets;

/** PROTOCOL.md §4's JSON for graphs and paths, written directly from the graph's arrays. */
public final class NavJson {
  private NavJson() {}

  public static byte[] graph(NavGraph g) {
    StringBuilder s = new StringBuilder(64 + g.nodeCount() * 48 + g.edgeCount() * 12);
    GraphStats st = g.stats();
    s.append("{\"voxel_size\":").append(g.voxelSize())
        .append(",\"clearance_z\":").append(g.options().clearanceZ())
        .append(",\"mech_radius\":").append(g.options().mechRadius())
        .append(",\"step_height_max\":").append(g.options().stepHeightMax())
        .append(",\"stats\":{\"num_nodes\":").append(st.numNodes())
        .append(",\"num_edges\":").append(st.numEdges())
        .append(",\"edge_density\":").append(st.edgeDensity())
        .append(",\"connectivity_ratio\":").append(st.connectivityRatio())
        .append("},\"nodes\":[");
    for (int u = 0; u < g.nodeCount(); u++) {
      if (u > 0) s.append(',');
      s.append("{\"id\":");
      id(s, g, u);
      s.append(",\"pos\":");
      pos(s, g, u);
      s.append(",\"edges\":[");
      for (int e = g.edgesFrom(u); e < g.edgesEnd(u); e++) {
        if (e > g.edgesFrom(u)) s.append(',');
        id(s, g, g.edgeTarget(e));
      }
      s.append("]}");
    }
    s.append("]}");
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] path(NavGraph g, Route p) {
    StringBuilder s = new StringBuilder(128 + p.length() * 40);
    if (!p.found()) {
      s.append("{\"found\":false,\"error\":\"").append(p.failure().replace("\"", "'"))
          .append("\",\"reason\":\"").append(p.outcome().name().toLowerCase(java.util.Locale.ROOT))
          .append("\",\"stats\":{\"length\":0,\"cost\":null,\"visited\":").append(p.expanded()).append("}}");
      return s.toString().getBytes(StandardCharsets.US_ASCII);
    }
    s.append("{\"found\":true,\"path\":[");
    for (int i = 0; i < p.length(); i++) {
      if (i > 0) s.append(',');
      pos(s, g, p.node(i));
    }
    s.append("],\"node_ids\":[");
    for (int i = 0; i < p.length(); i++) {
      if (i > 0) s.append(',');
      id(s, g, p.node(i));
    }
    s.append("],\"stats\":{\"length\":").append(p.length())
        .append(",\"cost\":").append(p.cost())
        .append(",\"visited\":").append(p.expanded()).append("}}");
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void id(StringBuilder s, NavGraph g, int u) {
    s.append('[').append(g.nodeZ(u)).append(',').append(g.nodeY(u)).append(',').append(g.nodeX(u)).append(']');
  }

  private static void pos(StringBuilder s, NavGraph g, int u) {
    s.append('[').append(g.positionX(u)).append(',').append(g.positionY(u)).append(',').append(g.positionZ(u)).append(']');
  }
}
