package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsAreThoseOfTheProtocol() {
    ServerConfig c = ServerConfig.defaults();
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(8090);
    assertThat(c.runsDir()).isEqualTo(Path.of("runs"));
    assertThat(c.sseMaxClients()).isEqualTo(16);
    assertThat(c.sseKeepalive()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.sseStall()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.fsync()).isTrue();
    assertThat(c.maxChunks()).isEqualTo(100_000);
    assertThat(c.warnings()).isEmpty();
    assertThat(c.worldCacheMax()).isEqualTo(32);
    assertThat(c.navCacheMax()).isEqualTo(8);
    assertThat(c.pushToken()).isNull();
    assertThat(c.retainMaxBytes()).isEqualTo(2L << 30);
    assertThat(c.retainMaxReplays()).isEqualTo(500);
  }

  @Test
  void dotEnvThenEnvironmentThenArgumentsWin() throws Exception {
    Path env = dir.resolve(".env");
    Files.writeString(env, "# comment\nECHELON_PORT=9000\nexport ECHELON_RUNS_DIR=\"/data/runs\"\n"
        + "ECHELON_SSE_STALL_S=2.5\nECHELON_PUSH_TOKEN='abc'\nNOT_OURS=1\n");
    ServerConfig fromFile = ServerConfig.load(new String[0], Map.of(), env);
    assertThat(fromFile.port()).isEqualTo(9000);
    assertThat(fromFile.runsDir()).isEqualTo(Path.of("/data/runs"));
    assertThat(fromFile.sseStall()).isEqualTo(Duration.ofMillis(2500));
    assertThat(fromFile.pushToken()).isEqualTo("abc");
    ServerConfig fromEnv = ServerConfig.load(new String[0], Map.of("ECHELON_PORT", "9100", "PATH", "/bin"), env);
    assertThat(fromEnv.port()).isEqualTo(9100);
    ServerConfig fromArgs = ServerConfig.load(new String[] {"--port", "9200", "--host", "127.0.0.1"},
        Map.of("ECHELON_PORT", "9100"), env);
    assertThat(fromArgs.port()).isEqualTo(9200);
    assertThat(fromArgs.host()).isEqualTo("127.0.0.1");
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> ServerConfig.load(new String[0], Map.of("ECHELON_PORT", "http"), null))
        .hasMessageContaining("ECHELON_PORT").hasMessageContaining("http");
    assertThatThrownBy(() -> ServerConfig.load(new String[0], Map.of("ECHELON_SSE_MAX_CLIENTS", "0"), null))
        .hasMessageContaining("SSE_MAX_CLIENTS").hasMessageContaining("0");
    assertThatThrownBy(() -> ServerConfig.load(new String[] {"--verbose"}, Map.of(), null))
        .hasMessageContaining("--verbose").hasMessageContaining("usage");
    assertThatThrownBy(() -> ServerConfig.load(new String[] {"--port"}, Map.of(), null)).hasMessageContaining("--port");
  }

  @Test
  void theOldDropSettingsAreAcceptedWithAWarningThatTheyAreIgnored() {
    ServerConfig c = ServerConfig.load(new String[0],
        Map.of("ECHELON_SSE_BROADCAST_TIMEOUT_S", "2.0", "ECHELON_SSE_QUEUE_EVENTS", "64"), null);
    assertThat(c.warnings()).hasSize(2);
    assertThat(c.warnings().get(0)).contains("ECHELON_SSE_BROADCAST_TIMEOUT_S=2.0").contains("ignored").contains("SSE_STALL_S");
    assertThat(c.warnings().get(1)).contains("ECHELON_SSE_QUEUE_EVENTS=64").contains("ignored");
    assertThatThrownBy(() -> ServerConfig.load(new String[0], Map.of("ECHELON_SSE_QUEUE_EVENTS", "many"), null))
        .hasMessageContaining("ECHELON_SSE_QUEUE_EVENTS");
  }

  @Test
  void aPushTokenThatCouldNeverMatchStopsTheServer() {
    for (String bad : new String[] {"", " padded ", "caf\u00e9", "two words"}) {
      assertThatThrownBy(() -> ServerConfig.load(new String[0], Map.of("ECHELON_PUSH_TOKEN", bad), null))
          .as(bad).hasMessageContaining("ECHELON_PUSH_TOKEN");
    }
    assertThat(ServerConfig.load(new String[0], Map.of("ECHELON_PUSH_TOKEN", "s3cret-token"), null).pushToken())
        .isEqualTo("s3cret-token");
  }

  @Test
  void fsyncIsABooleanNamedInItsError() {
    assertThat(ServerConfig.load(new String[0], Map.of("ECHELON_FSYNC", "false"), null).fsync()).isFalse();
    assertThatThrownBy(() -> ServerConfig.load(new String[0], Map.of("ECHELON_FSYNC", "maybe"), null))
        .hasMessageContaining("ECHELON_FSYNC").hasMessageContaining("maybe");
  }

  @Test
  void everySettingIsDocumentedInTheReadmeAndInHelp() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String help = ServerConfig.describe();
    for (Setting s : Setting.values()) {
      assertThat(readme).as("README documents " + s.variable()).contains("`" + s.variable() + "`");
      assertThat(help).contains(s.variable());
    }
  }
}
