package dev.echelon.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Headless Debian Chromium driven by Selenium, with no network calls of its own. */
final class Browser implements AutoCloseable {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String DRIVER = "/usr/bin/chromedriver";

  final ChromeDriver driver;
  private final Path home;

  Browser() {
    boolean present = new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
    if (!present && !"true".equals(System.getenv("CI"))) {
      Assumptions.abort("viewer tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
    }
    try {
      home = Files.createTempDirectory("echelon-chrome");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
        "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--window-size=1280,800",
        "--user-data-dir=" + home.resolve("profile"), "--js-flags=--expose-gc", "--enable-precise-memory-info");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER))
        .withEnvironment(Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.toString(), "XDG_CACHE_HOME", home.toString()))
        .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Saves a screenshot under target/ for people to look at. */
  Path screenshot(String name) {
    try {
      Path out = Path.of("target", "screenshots", name + ".png");
      Files.createDirectories(out.getParent());
      Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override public void close() {
    driver.quit();
  }
}
