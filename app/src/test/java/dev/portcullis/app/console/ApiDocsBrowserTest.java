package dev.portcullis.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.app.PortcullisUnderTest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin API's docs page (Swagger UI from its WebJar) in a real browser under the console's
 * policy: a browser that is not signed in is sent to the sign-in form; signed in, every admin call
 * is listed, nothing the page loads is refused by its Content-Security-Policy, and "Try it out"
 * calls carry the session (a read answers 200).
 */
class ApiDocsBrowserTest {

  /** Records every CSP violation of a page from its first script on. */
  private static final String CSP_LISTENER = "window.__cspViolations = [];"
      + "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
      + "e.violatedDirective + ' ' + e.blockedURI));";

  private static PortcullisUnderTest portcullis;
  private static ChromeDriverService service;
  private static ChromeDriver driver;

  @BeforeAll
  static void start() {
    portcullis = PortcullisUnderTest.start(Map.of());
    ChromeOptions options = new ChromeOptions();
    // Both paths explicit: Selenium Manager is never asked to find, let alone download, anything.
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
        "--disable-gpu", "--no-first-run", "--disable-extensions");
    service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort().withEnvironment(ChromiumTemp.environment()).build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", CSP_LISTENER));
  }

  @AfterAll
  static void stop() {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      portcullis.close();
    }
  }

  @Test
  void theDocsListEveryCallUnderTheConsolePolicyAndTryItOutUsesTheSession() throws Exception {
    try {
      driver.get(portcullis.adminUrl() + "/api/admin/docs");
      assertThat(driver.getCurrentUrl()).as("not signed in: sent to the sign-in form").isEqualTo(portcullis.adminUrl() + "/");

      Object status = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
          + "fetch('/console/session', {method: 'POST', headers: {'Content-Type': 'application/json'},"
          + " body: JSON.stringify({token: arguments[0]})}).then(r => done(r.status), e => done(String(e)));",
          PortcullisUnderTest.ADMIN_TOKEN);
      assertThat(status).isEqualTo(200L);

      driver.get(portcullis.adminUrl() + "/api/admin/docs");
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
      wait.until(d -> d.findElements(By.cssSelector(".opblock")).size() >= 40);
      List<String> summaries = driver.findElements(By.cssSelector(".opblock-summary-path")).stream()
          .map(e -> e.getAttribute("data-path")).toList();
      assertThat(summaries).contains("/api/admin/virtual-keys", "/api/admin/usage", "/api/admin/limits/{id}/status");

      // Try it out: list the provider keys, with the session's cookie, from the page.
      driver.findElement(By.cssSelector("#operations-provider-keys-listProviderKeys .opblock-summary")).click();
      wait.until(d -> !d.findElements(By.cssSelector("#operations-provider-keys-listProviderKeys .try-out__btn")).isEmpty());
      driver.findElement(By.cssSelector("#operations-provider-keys-listProviderKeys .try-out__btn")).click();
      driver.findElement(By.cssSelector("#operations-provider-keys-listProviderKeys .execute")).click();
      wait.until(d -> !d.findElements(By.cssSelector("#operations-provider-keys-listProviderKeys .live-responses-table .response-col_status")).isEmpty());
      String answered = driver.findElement(By.cssSelector(
          "#operations-provider-keys-listProviderKeys .live-responses-table .response .response-col_status")).getText();
      assertThat(answered).startsWith("200");

      Object violations = driver.executeScript("return window.__cspViolations;");
      assertThat((List<?>) violations).as("CSP violations on the docs page").isEmpty();
      assertThat(driver.getPageSource()).doesNotContain(PortcullisUnderTest.ADMIN_TOKEN);
    } catch (AssertionError | RuntimeException e) {
      Path shots = Path.of("target/selenium-screenshots");
      Files.createDirectories(shots);
      Files.write(shots.resolve("api-docs.png"), driver.getScreenshotAs(OutputType.BYTES));
      throw e;
    }
  }
}
