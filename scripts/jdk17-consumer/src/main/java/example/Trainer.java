package example;

import dev.echelon.client.EchelonClient;
import dev.echelon.client.PushSummary;
import dev.echelon.client.Replay;
import dev.echelon.client.ReplayFile;
import dev.echelon.nav.NavGraph;
import dev.echelon.nav.NavWorld;
import dev.echelon.nav.Position;
import dev.echelon.nav.Route;
import dev.echelon.nav.WorldJson;
import java.nio.file.Path;
import java.util.Map;

/** What a JDK 17 trainer does with Echelon: push a replay, plan a path on its world. */
public final class Trainer {
  public static void main(String[] args) throws Exception {
    String server = args[0];
    Path replayFile = Path.of(args[1]);
    System.out.println("java " + System.getProperty("java.specification.version"));

    Replay replay = ReplayFile.read(replayFile).newBuilder().meta(Map.of("episode", 17)).build();
    try (EchelonClient client = EchelonClient.create(server)) {
      PushSummary s = client.push(replay);
      System.out.println("pushed " + s.replayId() + " " + s.frames() + " frames in " + s.chunks() + " chunks");
    }

    NavWorld world = WorldJson.read(replayFile); // a replay file carries its world
    NavGraph graph = world.graph();
    Route route = graph.findPath(new Position(2.5, 2.5, 1), new Position(17.5, 17.5, 1));
    System.out.println("nodes " + graph.nodeCount() + " route " + route.outcome() + " cost " + route.cost()
        + " positions " + route.positions().size());
    if (!route.found()) System.exit(1);

    // the README's nav snippet, on the world in examples/
    NavWorld big = WorldJson.read(Path.of("examples/world-100x100x20-seed7.json.gz"));
    Route across = big.graph().findPath(new Position(5, 5, 1), new Position(90, 90, 1));
    System.out.println("examples world route " + across.outcome() + " via " + across.positions().size() + " nodes");
    if (!across.found()) System.exit(1);
  }
}
