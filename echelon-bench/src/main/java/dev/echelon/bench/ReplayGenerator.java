package dev.echelon.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Large replays in the simulator's frame shape (the fixtures' schema): 40 mechs, events, ~16 KB a frame. */
public final class ReplayGenerator {
  private static final String[] CLASSES = {"heavy", "medium", "medium", "light", "scout"};

  private ReplayGenerator() {}

  /** {@code frames} frames of {@code mechs} mechs; about 16.5 KB of JSON per frame with 40 mechs. */
  public static List<byte[]> frames(int frames, int mechs, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] pos = new double[mechs][3];
    for (int m = 0; m < mechs; m++) pos[m] = new double[] {5 + rnd.nextDouble() * 90, 5 + rnd.nextDouble() * 90, 1.5};
    List<byte[]> out = new ArrayList<>(frames);
    StringBuilder b = new StringBuilder(20_000);
    for (int f = 0; f < frames; f++) {
      b.setLength(0);
      double t = f * 0.25;
      b.append(String.format(Locale.ROOT, "{\"t\":%.2f,\"tick\":%d,\"objective\":{\"zone_center\":[50.0,50.0],"
          + "\"zone_radius\":8.0,\"zone_score\":{\"blue\":%.3f,\"red\":%.3f},\"zone_score_to_win\":150.0},\"mechs\":{",
          t, f * 5, t * 0.04, t * 0.03));
      for (int m = 0; m < mechs; m++) {
        String team = m < mechs / 2 ? "blue" : "red";
        pos[m][0] = Math.max(0, Math.min(99, pos[m][0] + rnd.nextDouble() - 0.5));
        pos[m][1] = Math.max(0, Math.min(99, pos[m][1] + rnd.nextDouble() - 0.5));
        if (m > 0) b.append(',');
        b.append(String.format(Locale.ROOT, "\"%s_%d\":{\"team\":\"%s\",\"class\":\"%s\",\"pos\":[%.15f,%.15f,%.1f],"
            + "\"vel\":[%.15f,%.15f,0.0],\"yaw\":%.15f,\"hp\":%.1f,\"hp_max\":200.0,\"heat\":%.13f,\"heat_cap\":130.0,"
            + "\"stability\":%.13f,\"stability_max\":100.0,\"alive\":true,\"fallen\":false,\"legged\":false,"
            + "\"suppressed_time\":0.0,\"ams_cooldown\":0.0,\"ecm_on\":false,\"eccm_on\":false}",
            team, m % (mechs / 2), team, CLASSES[m % CLASSES.length], pos[m][0], pos[m][1], pos[m][2],
            rnd.nextDouble() - 0.5, rnd.nextDouble() - 0.5, rnd.nextDouble() * 6.28, 50 + rnd.nextDouble() * 150,
            rnd.nextDouble() * 100, 50 + rnd.nextDouble() * 50));
      }
      b.append("},\"smoke_clouds\":[],\"events\":[");
      int events = rnd.nextInt(6);
      for (int e = 0; e < events; e++) {
        if (e > 0) b.append(',');
        int s = rnd.nextInt(mechs);
        int tg = rnd.nextInt(mechs);
        b.append(String.format(Locale.ROOT, "{\"type\":\"laser_hit\",\"weapon\":\"laser\",\"shooter\":\"%s_%d\","
            + "\"target\":\"%s_%d\",\"pos\":[%.15f,%.15f,1.5],\"damage\":%.1f,\"is_crit\":false,\"is_leg_hit\":false,"
            + "\"is_painted\":false}", s < mechs / 2 ? "blue" : "red", s % (mechs / 2), tg < mechs / 2 ? "blue" : "red",
            tg % (mechs / 2), pos[tg][0], pos[tg][1], 5 + rnd.nextDouble() * 10));
      }
      b.append("]}");
      out.add(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * The simulator's own frames (the fixture replay's 185, as Python's {@code json.dumps} writes
   * them) repeated to {@code frames}: real values compress 3x better than the generated ones, so
   * both are measured. A repeat is ~0.9 MB away, far beyond deflate's 32 KB window.
   */
  public static List<byte[]> fixtureFrames(int frames) {
    var replay = Worlds.fixture("replay-20x20-seed0.json.gz");
    List<byte[]> real = new ArrayList<>();
    for (var f : replay.get("frames")) real.add(pythonStyle(f.toString()).getBytes(StandardCharsets.UTF_8));
    List<byte[]> out = new ArrayList<>(frames);
    for (int i = 0; i < frames; i++) out.add(real.get(i % real.size()));
    return out;
  }

  /** Compact JSON with the spaces Python's default separators put after ',' and ':'. */
  private static String pythonStyle(String compact) {
    StringBuilder b = new StringBuilder(compact.length() * 11 / 10);
    boolean inString = false;
    for (int i = 0; i < compact.length(); i++) {
      char c = compact.charAt(i);
      b.append(c);
      if (inString) {
        if (c == '\\') b.append(compact.charAt(++i));
        else if (c == '"') inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == ',' || c == ':') {
        b.append(' ');
      }
    }
    return b.toString();
  }

  public static long bytes(List<byte[]> frames) {
    long n = 0;
    for (byte[] f : frames) n += f.length + 1;
    return n;
  }
}
