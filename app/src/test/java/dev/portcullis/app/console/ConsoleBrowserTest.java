package dev.portcullis.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portcullis.app.PortcullisUnderTest;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in a real browser (Debian's headless Chromium through chromium-driver, never a
 * driver or browser Selenium would download), as an operator uses it: sign in with the admin token,
 * add a provider key pointing at a test upstream, create a virtual key and copy it from the
 * one-time box, call the gateway with it, see the call in the usage table and charts, revoke the
 * key and see the gateway refuse it. Along the way: errors appear next to the field they name, no
 * page scrolls sideways at 1280x800, the strict CSP is never violated, and neither the admin token
 * nor the virtual key ends up in storage, a readable cookie, the URL or the browser's console.
 *
 * <p>On a failure every page is saved as a screenshot in {@code target/selenium-screenshots/}
 * (with {@code -Dportcullis.console.pages}, every page whole, failure or not).
 * With {@code -Dportcullis.console.screenshot} (optionally naming the file) the usage page is saved
 * for the README, by default to {@code docs/images/console-usage.png}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ConsoleBrowserTest.Screenshots.class)
@Timeout(180)
class ConsoleBrowserTest {

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final String UPSTREAM_KEY = "sk-console-browser-test-0123456789";
  private static final List<String> PAGES = List.of("provider-keys", "llm-proxies", "virtual-keys", "oauth-clients",
      "limits", "usage");
  private static final Path SCREENSHOTS = Path.of("target", "selenium-screenshots");
  /** Records every CSP violation from the first byte of each document on (CDP scripts run before the page's). */
  private static final String CSP_LISTENER = "window.__cspViolations = [];"
      + "document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push("
      + "e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber));";

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static ChromeDriver driver;
  private static ChromeDriverService service;

  /** What the flow learns on the way, for the later steps. */
  private static String virtualKey;

  @BeforeAll
  static void start() {
    boolean present = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    if (System.getenv("CI") == null) {
      assumeTrue(present, "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    }
    assertThat(present).as(CHROMIUM + " and " + CHROMEDRIVER + " (.ci/run installs them)").isTrue();
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    // An OpenAI chat completion that answers the model asked for, with its usage.
    upstream.on("POST", "/openai/v1/chat/completions", (request, body) -> {
      String model = new JsonObject(body).getString("model");
      int input = 12 + body.length() % 17;
      request.response().putHeader("Content-Type", "application/json")
          .end(OpenAiWire.chatCompletion(model, "Hello from the test upstream", input, 5 + input / 3));
    });
    portcullis = PortcullisUnderTest.start(Map.of());
    driver = startChromium();
  }

  @AfterAll
  static void stop() {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (service != null) {
        service.stop();
      }
      if (portcullis != null) {
        portcullis.close();
      }
      if (upstream != null) {
        upstream.close();
        upstreamVertx.close().await();
      }
    }
  }

  private static ChromeDriver startChromium() {
    ChromeOptions options = new ChromeOptions();
    // Both paths explicit: Selenium Manager is never asked to find, let alone download, anything.
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
        "--disable-gpu", "--no-first-run", "--disable-extensions", "--password-store=basic",
        "--disable-features=Translate,OptimizationHints,MediaRouter");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort()
        .withEnvironment(ChromiumTemp.environment()).build();
    ChromeDriver chromium = new ChromeDriver(service, options);
    chromium.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    chromium.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", CSP_LISTENER));
    chromium.executeCdpCommand("Browser.grantPermissions", Map.of(
        "origin", portcullis.adminUrl(), "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    return chromium;
  }

  // ---- the flow ----

  @Test
  @Order(1)
  void aWrongTokenIsRefusedNextToItsFieldAndTheRightOneOpensTheConsole() {
    driver.get(portcullis.adminUrl() + "/");
    WebElement token = waitFor(By.id("token"));
    assertThat(token.getAttribute("type")).isEqualTo("password");
    assertThat(driver.findElement(By.cssSelector("label[for=token]")).getText()).isEqualTo("Admin token");

    token.sendKeys("not-the-admin-token");
    driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
    WebElement error = waitFor(By.cssSelector("#sign-in-form .field-error[role=alert]"));
    assertThat(error.getText()).contains("not the admin token");
    assertThat(driver.findElement(By.id("token")).getAttribute("aria-describedby")).contains(error.getAttribute("id"));
    assertThat(driver.findElement(By.id("token")).getAttribute("aria-invalid")).isEqualTo("true");

    signIn();
    assertThat(driver.getCurrentUrl()).endsWith("#/provider-keys");
    assertNoSecretKept(PortcullisUnderTest.ADMIN_TOKEN);
    assertPageIsClean("provider-keys");
  }

  @Test
  @Order(2)
  void aProviderKeyAndAVirtualKeyAreMadeAndTheKeyIsShownOnceWithCopy() throws Exception {
    open("provider-keys");
    WebElement form = waitFor(By.cssSelector("form[aria-labelledby=pk-new]"));
    new org.openqa.selenium.support.ui.Select(form.findElement(By.name("provider"))).selectByValue("openai");
    form.findElement(By.name("name")).sendKeys("test-upstream");
    WebElement apiKey = form.findElement(By.name("apiKey"));
    assertThat(apiKey.getAttribute("type")).isEqualTo("password");
    apiKey.sendKeys(UPSTREAM_KEY);
    form.findElement(By.tagName("summary")).click();
    // A base URL the API refuses: its message appears next to the field.
    form.findElement(By.name("baseUrl")).sendKeys("not a url");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    WebElement error = waitFor(By.cssSelector("form[aria-labelledby=pk-new] .field-error[role=alert]"));
    assertThat(form.findElement(By.name("baseUrl")).getAttribute("aria-describedby")).contains(error.getAttribute("id"));
    form.findElement(By.name("baseUrl")).clear();
    form.findElement(By.name("baseUrl")).sendKeys(upstream.baseUrl("/openai/v1"));
    form.findElement(By.cssSelector("button[type=submit]")).click();
    waitFor(By.xpath("//table//th[normalize-space()='test-upstream']"));
    assertThat(driver.getPageSource()).doesNotContain(UPSTREAM_KEY);
    assertPageIsClean("provider-keys");

    open("virtual-keys");
    WebElement create = waitFor(By.cssSelector("form[aria-labelledby=vk-new]"));
    create.findElement(By.name("name")).sendKeys("console-app");
    // No provider key checked: the error is shown on the provider keys' fieldset.
    create.findElement(By.cssSelector("button[type=submit]")).click();
    WebElement pickError = waitFor(By.cssSelector("fieldset[name=providerKeys] .field-error[role=alert]"));
    assertThat(pickError.getText()).contains("provider key");
    create.findElement(By.xpath(".//label[contains(., 'test-upstream')]")).click();
    create.findElement(By.cssSelector("button[type=submit]")).click();

    WebElement secret = waitFor(By.cssSelector(".secret-box .one-time-secret"));
    virtualKey = secret.getText().trim();
    assertThat(virtualKey).startsWith("pc-vk-").hasSize(57);
    WebElement copy = driver.findElement(By.cssSelector(".secret-box button.copy"));
    copy.click();
    new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions.textToBePresentInElement(copy, "Copied"));
    Object clipboard = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "navigator.clipboard.readText().then(done, (e) => done('unreadable: ' + e));");
    assertThat(clipboard).isEqualTo(virtualKey);
    waitFor(By.xpath("//table//th[normalize-space()='console-app']"));
    assertNoSecretKept(virtualKey);
    assertPageIsClean("virtual-keys");

    // The key works at the gateway.
    assertThat(chat(virtualKey, "gpt-4o-mini").statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);

    // Leaving the page removes the one-time box for good.
    open("usage");
    open("virtual-keys");
    waitFor(By.xpath("//table//th[normalize-space()='console-app']"));
    assertThat(driver.findElements(By.cssSelector(".secret-box"))).isEmpty();
    assertThat(driver.getPageSource()).doesNotContain(virtualKey);
  }

  @Test
  @Order(3)
  void theCallShowsInTheUsageTableAndCharts() throws Exception {
    assertThat(virtualKey).as("made by the step before").isNotNull();
    boolean screenshot = System.getProperty("portcullis.console.screenshot") != null;
    if (screenshot) {
      makeCallsForTheReadmeScreenshot();
    }
    open("usage");
    WebElement show = waitFor(By.xpath("//form[@aria-labelledby='us-filters']//button[normalize-space()='Show']"));
    // The ledger writes records a few tens of ms after each call: ask again until it has it.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    By row = By.xpath("//table//tbody//th[contains(., 'console-app')]");
    while (driver.findElements(row).isEmpty()) {
      assertThat(System.nanoTime()).as("the call in the usage table within 30 s").isLessThan(deadline);
      Thread.sleep(300);
      show = driver.findElement(By.xpath("//form[@aria-labelledby='us-filters']//button[normalize-space()='Show']"));
      if (show.isEnabled()) {
        show.click();
      }
    }
    WebElement tableRow = driver.findElement(row).findElement(By.xpath("./.."));
    List<WebElement> cells = tableRow.findElements(By.tagName("td"));
    assertThat(Integer.parseInt(cells.get(0).getText().replace(",", ""))).isGreaterThanOrEqualTo(1);
    assertThat(driver.findElement(By.cssSelector("tfoot")).getText()).contains("Total");

    // Three charts, drawn on canvases, holding the call.
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector(".chart .uplot canvas")).size() == 3);
    List<WebElement> figures = driver.findElements(By.cssSelector("figure.chart"));
    assertThat(Double.parseDouble(figures.get(0).getAttribute("data-total"))).isGreaterThanOrEqualTo(1);
    assertThat(Integer.parseInt(figures.get(0).getAttribute("data-points"))).isGreaterThan(0);
    Long canvasWidth = (Long) js("return document.querySelector('.chart .uplot canvas').width");
    assertThat(canvasWidth).isGreaterThan(200L);

    String csv = driver.findElement(By.linkText("Download CSV")).getAttribute("href");
    assertThat(csv).contains("/api/admin/usage/export?format=csv").contains("from=");
    assertPageIsClean("usage");

    if (screenshot) {
      saveUsageScreenshot();
    }
  }

  @Test
  @Order(4)
  void revokingTheKeyInTheConsoleStopsItAtTheGateway() throws Exception {
    assertThat(virtualKey).as("made by an earlier step").isNotNull();
    open("virtual-keys");
    WebElement revoke = waitFor(By.xpath("//tr[th[normalize-space()='console-app']]//button[normalize-space()='Revoke']"));
    revoke.click();
    WebElement dialog = waitFor(By.cssSelector("dialog[open]"));
    assertThat(dialog.getText()).contains("console-app");
    // Cancel first: nothing happens.
    dialog.findElement(By.xpath(".//button[normalize-space()='Cancel']")).click();
    assertThat(driver.findElements(By.cssSelector("dialog[open]"))).isEmpty();
    assertThat(chat(virtualKey, "gpt-4o-mini").statusCode()).isEqualTo(200);

    driver.findElement(By.xpath("//tr[th[normalize-space()='console-app']]//button[normalize-space()='Revoke']")).click();
    waitFor(By.cssSelector("dialog[open]")).findElement(By.xpath(".//button[normalize-space()='Revoke']")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(ExpectedConditions.invisibilityOfElementLocated(By.xpath("//table//th[normalize-space()='console-app']")));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int status;
    do {
      status = chat(virtualKey, "gpt-4o-mini").statusCode();
      if (status == 401) {
        break;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    assertThat(status).as("the revoked key at the gateway").isEqualTo(401);
    assertPageIsClean("virtual-keys");
  }

  @Test
  @Order(5)
  void aPolicyDocumentAndALimitAreEditedWithErrorsShownWhereTheyBelong() {
    open("llm-proxies");
    waitFor(By.xpath("//table//a[normalize-space()='Edit']")).click();
    WebElement policies = waitFor(By.name("policies"));
    new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> !policies.getAttribute("value").isBlank());
    WebElement form = policies.findElement(By.xpath("./ancestor::form"));
    policies.clear();
    policies.sendKeys("{\"toolInvocation\":[{\"tool\":\"send_*\",\"action\":\"explode\"}]}");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    WebElement error = waitFor(By.cssSelector("form[aria-labelledby=px-policies] .field-error[role=alert]"));
    assertThat(error.getText()).contains("toolInvocation[0]");
    policies.clear();
    policies.sendKeys("{\"toolInvocation\":[{\"id\":\"send-guard\",\"tool\":\"send_*\",\"action\":\"block\"}]}");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("form[aria-labelledby=px-policies] .saved"), "Saved."));
    assertThat(policies.getAttribute("value")).contains("send-guard").contains("\n");
    assertPageIsClean("llm-proxy");

    open("limits");
    WebElement limit = waitFor(By.cssSelector("form[aria-labelledby=lm-new]"));
    limit.findElement(By.name("name")).sendKeys("org-rpm");
    limit.findElement(By.name("requestsPerMinute")).sendKeys("0");
    limit.findElement(By.cssSelector("button[type=submit]")).click();
    WebElement limitError = waitFor(By.cssSelector("form[aria-labelledby=lm-new] .field-error[role=alert]"));
    assertThat(limit.findElement(By.name("requestsPerMinute")).getAttribute("aria-describedby"))
        .contains(limitError.getAttribute("id"));
    limit.findElement(By.name("requestsPerMinute")).clear();
    limit.findElement(By.name("requestsPerMinute")).sendKeys("1000");
    limit.findElement(By.cssSelector("button[type=submit]")).click();
    WebElement ruleRow = waitFor(By.xpath("//tr[th[normalize-space()='org-rpm']]"));
    assertThat(ruleRow.getText()).contains("1000 requests/min").contains("of 1000");
    assertPageIsClean("limits");
  }

  @Test
  @Order(6)
  void noPageScrollsSidewaysOrBreaksTheCsp() {
    boolean keep = System.getProperty("portcullis.console.pages") != null;
    for (String page : PAGES) {
      open(page);
      waitFor(By.cssSelector("#main h2"));
      assertPageIsClean(page);
      if (keep) {
        Screenshots.saveWholePage("page-" + page);
      }
    }
  }

  @Test
  @Order(7)
  void anEndedSessionBringsBackTheSignInFormAndSignOutEndsIt() {
    open("provider-keys");
    waitFor(By.cssSelector("#main h2"));
    // The session cookie gone (expired, or the server restarted): the next call gets 401.
    driver.manage().deleteCookieNamed("portcullis_console");
    open("limits");
    WebElement message = waitFor(By.id("sign-in-message"));
    assertThat(message.getText()).contains("expired");
    assertThat(driver.findElement(By.id("shell")).isDisplayed()).isFalse();

    signIn();
    driver.findElement(By.id("sign-out")).click();
    assertThat(waitFor(By.id("sign-in-message")).getText()).contains("Signed out");
    driver.navigate().refresh();
    waitFor(By.id("token"));
    assertThat(driver.findElement(By.id("shell")).isDisplayed()).isFalse();
    assertNoSecretKept(PortcullisUnderTest.ADMIN_TOKEN);
    assertBrowserConsoleHoldsNo(PortcullisUnderTest.ADMIN_TOKEN, virtualKey, UPSTREAM_KEY);
  }

  // ---- helpers ----

  private static void signIn() {
    WebElement token = waitFor(By.id("token"));
    token.clear();
    token.sendKeys(PortcullisUnderTest.ADMIN_TOKEN);
    driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
    waitFor(By.cssSelector("#nav a[aria-current=page]"));
    waitFor(By.cssSelector("#main h2"));
    assertThat(driver.findElement(By.id("sign-in")).isDisplayed()).isFalse();
  }

  private static void open(String page) {
    String url = portcullis.adminUrl() + "/#/" + page;
    if (!driver.getCurrentUrl().startsWith(portcullis.adminUrl())) {
      driver.get(url);
    } else {
      js("window.location.hash = arguments[0]", "#/" + page);
    }
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("#/" + page)
        && (!d.findElements(By.cssSelector("#main h2")).isEmpty() || !d.findElements(By.id("token")).isEmpty()));
  }

  private static WebElement waitFor(By locator) {
    return new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  private static Object js(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(script, arguments);
  }

  /** At 1280x800 the page never scrolls sideways, and no CSP violation has happened in this document. */
  private static void assertPageIsClean(String page) {
    Long scrollWidth = (Long) js("return document.documentElement.scrollWidth");
    Long clientWidth = (Long) js("return document.documentElement.clientWidth");
    assertThat(scrollWidth).as("horizontal scrolling on " + page + " (" + scrollWidth + " > " + clientWidth + ")")
        .isLessThanOrEqualTo(clientWidth);
    assertThat(clientWidth).as("the window's width").isGreaterThan(1200L);
    @SuppressWarnings("unchecked")
    List<Object> violations = (List<Object>) js("return window.__cspViolations || ['the CSP listener is missing']");
    assertThat(violations).as("CSP violations on " + page).isEmpty();
  }

  /** The secret is in no storage the page could use, no cookie a script can read, and not in the URL. */
  private static void assertNoSecretKept(String secret) {
    String kept = (String) js("const all = [];"
        + "for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); all.push(k, localStorage.getItem(k)); }"
        + "for (let i = 0; i < sessionStorage.length; i++) { const k = sessionStorage.key(i); all.push(k, sessionStorage.getItem(k)); }"
        + "all.push(document.cookie, window.location.href, document.referrer, window.history.state === null ? '' : JSON.stringify(window.history.state));"
        + "return all.join('\\n');");
    assertThat(kept).doesNotContain(secret);
    assertThat(driver.getCurrentUrl()).doesNotContain(secret);
  }

  private static void assertBrowserConsoleHoldsNo(String... secrets) {
    List<String> lines = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      lines.add(entry.getMessage());
    }
    for (String secret : secrets) {
      if (secret != null) {
        assertThat(lines).noneMatch(line -> line.contains(secret));
      }
    }
    assertThat(lines).as("the browser's console").noneMatch(line -> line.contains("Content Security Policy"));
  }

  private static HttpResponse<String> chat(String key, String model) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("model", model)
            .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user")
                .put("content", "Hello from the console test"))).encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A few more calls, from a second key and with a second model, so the README's picture has some rows. */
  private static void makeCallsForTheReadmeScreenshot() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertThat(chat(virtualKey, i % 2 == 0 ? "gpt-4o-mini" : "gpt-4o").statusCode()).isEqualTo(200);
    }
    open("virtual-keys");
    WebElement create = waitFor(By.cssSelector("form[aria-labelledby=vk-new]"));
    create.findElement(By.name("name")).sendKeys("batch-jobs");
    create.findElement(By.xpath(".//label[contains(., 'test-upstream')]")).click();
    create.findElement(By.cssSelector("button[type=submit]")).click();
    String second = waitFor(By.cssSelector(".secret-box .one-time-secret")).getText().trim();
    for (int i = 0; i < 3; i++) {
      assertThat(chat(second, "gpt-4o").statusCode()).isEqualTo(200);
    }
  }

  private static void saveUsageScreenshot() throws IOException {
    String property = System.getProperty("portcullis.console.screenshot");
    Path target = property.isBlank() || property.equals("true")
        ? Path.of("..", "docs", "images", "console-usage.png") : Path.of(property);
    Files.createDirectories(target.toAbsolutePath().getParent());
    js("document.getElementById('status').replaceChildren(); document.getElementById('alerts').replaceChildren();");
    Long height = (Long) js("return Math.max(800, document.documentElement.scrollHeight)");
    // The window's height includes what headless Chromium keeps for its own frame.
    driver.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 150, 2000)));
    try {
      Thread.sleep(300);
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      driver.manage().window().setSize(new Dimension(1280, 800));
    }
  }

  /** On a failure: the page as it was, then every page of the console, in target/selenium-screenshots/. */
  static final class Screenshots implements TestWatcher {

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (driver == null) {
        return;
      }
      String test = context.getRequiredTestMethod().getName();
      try {
        Files.createDirectories(SCREENSHOTS);
        save(test + "-at-failure");
        List<String> console = new ArrayList<>();
        driver.manage().logs().get(LogType.BROWSER).forEach(entry -> console.add(entry.getLevel() + " " + entry.getMessage()));
        Files.write(SCREENSHOTS.resolve(test + "-browser-console.log"), console);
        if (driver.findElements(By.id("token")).stream().anyMatch(WebElement::isDisplayed)) {
          return;
        }
        for (String page : PAGES) {
          try {
            open(page);
            Thread.sleep(500);
            save(test + "-" + page);
          } catch (RuntimeException | InterruptedException e) {
            // As many pages as can be had.
          }
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("could not save the screenshots: " + e);
      }
    }

    /** With -Dportcullis.console.pages, every page as a whole, to look at. */
    static void saveWholePage(String name) {
      try {
        Files.createDirectories(SCREENSHOTS);
        Long height = (Long) js("return Math.max(800, document.documentElement.scrollHeight)");
        driver.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 150, 3000)));
        Thread.sleep(300);
        save(name);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      } finally {
        driver.manage().window().setSize(new Dimension(1280, 800));
      }
    }

    private static void save(String name) throws IOException {
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
