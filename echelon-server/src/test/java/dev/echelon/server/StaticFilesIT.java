package dev.echelon.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** The viewer and Three.js come from the jar: nothing is fetched from the internet. */
@Timeout(300) // each test: a hang fails instead of stalling the build
class StaticFilesIT {
  @TempDir Path runs;

  @Test
  void theViewerAndThreeJsAreServedFromTheJarWithAnImportMap() throws Exception {
    try (TestServer s = TestServer.start(runs)) {
      TestServer.Answer index = s.get("/");
      assertThat(index.status()).isEqualTo(200);
      assertThat(index.body()).contains("importmap").contains("/vendor/three/build/three.module.js")
          .doesNotContain("https://");
      try (Response r = s.http.newCall(new Request.Builder().url(s.url("/vendor/three/build/three.module.js")).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/javascript");
        assertThat(r.body().string()).contains("three.core.js");
      }
      assertThat(s.get("/vendor/three/examples/jsm/controls/OrbitControls.js").status()).isEqualTo(200);
      for (String js : new String[] {"app.js", "stream.js", "replay.js", "scene.js", "mechs.js", "effects.js", "hud.js",
          "nav.js", "library.js", "panels.js", "styles.css"}) {
        assertThat(s.get("/" + js).status()).as(js).isEqualTo(200);
        assertThat(s.get("/" + js).body()).as(js).doesNotContain("https://cdn").doesNotContain("unpkg.com");
      }
    }
  }

  @Test
  void missingFilesAndTraversalAre404WithJson() {
    try (TestServer s = TestServer.start(runs)) {
      for (String path : new String[] {"/nope.js", "/vendor/three/..%2F..%2Fweb/index.html", "/%2e%2e/%2e%2e/etc/passwd",
          "/vendor/three/build/missing.js", "/META-INF/MANIFEST.MF%00"}) {
        TestServer.Answer a = s.get(path);
        assertThat(a.status()).as(path).isIn(400, 404);
        assertThat(a.json().get("detail").asText()).as(path).isNotBlank();
      }
    }
  }
}
