package dev.portcullis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of tests that drive the pages in a real Chromium through Playwright: {@code CHROMIUM_PATH}, else a
 * Chromium or Chrome installed on the machine, else Playwright's own (downloaded on first use; see
 * {@link BrowserChoice}). Every request the page makes outside the app fails the test:
 * pages may load nothing from a CDN.
 */
@org.junit.jupiter.api.extension.ExtendWith(BrowserTest.Diagnosis.class)
public abstract class BrowserTest extends IntegrationTest {

	/** Requests the page sent that have not been answered yet, with when they were sent. */
	private final Map<com.microsoft.playwright.Request, Long> pending = new java.util.concurrent.ConcurrentHashMap<>();

	@org.springframework.beans.factory.annotation.Autowired
	private io.r2dbc.spi.ConnectionFactory connectionFactory;

	private static Playwright playwright;

	private static Browser browser;

	@LocalServerPort
	protected int port;

	protected BrowserContext context;

	protected Page page;

	private final List<String> foreignRequests = new CopyOnWriteArrayList<>();

	private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

	private final List<String> expectedFailures = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void launchBrowser() {
		// a loaded build machine renders slowly (Swagger UI took over Playwright's default 5 s on two busy cores), and
		// now and then Chromium runs a page's deferred scripts about 40 s after every response of the page arrived
		// (see open(); seen after form posts and link clicks too, once on a quiet machine): assertions wait up to 60 s
		// for what the page must show; a page that never shows it still fails
		com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(60_000);
		BrowserChoice choice = BrowserChoice.of(System.getenv(), Files::isExecutable);
		// with a system browser Playwright must not download one (offline machines); without one it installs its
		// own, unless PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set in the environment
		playwright = Playwright.create(new Playwright.CreateOptions()
			.setEnv(choice.playwrightsOwn() ? Map.of() : Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
		BrowserType.LaunchOptions launch = new BrowserType.LaunchOptions().setHeadless(true)
			.setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
					"--disable-background-networking", "--disable-component-update", "--disable-sync"));
		if (!choice.playwrightsOwn()) {
			launch.setExecutablePath(choice.executable());
		}
		browser = playwright.chromium().launch(launch);
	}

	@AfterAll
	static void closeBrowser() {
		if (browser != null) {
			browser.close();
		}
		if (playwright != null) {
			playwright.close();
		}
	}

	@BeforeEach
	void openPage() {
		this.context = browser.newContext(new Browser.NewContextOptions().setBaseURL(baseUrl()));
		// observed, not intercepted: routing every request through a Java handler held an htmx request back for
		// 40 s now and then on a busy machine (the handler runs only when the test thread is inside Playwright); the
		// pages' Content-Security-Policy blocks foreign loads anyway, and any attempt still fails the test
		this.context.onRequest((request) -> {
			String url = request.url();
			if (!url.startsWith(baseUrl()) && !url.startsWith("data:")) {
				this.foreignRequests.add(url);
			}
		});
		this.context.onRequest((request) -> this.pending.put(request, System.nanoTime()));
		this.context.onRequestFinished(this.pending::remove);
		this.context.onRequestFailed(this.pending::remove);
		this.page = this.context.newPage();
		// no HTTP cache: with it, a page's scripts now and then ran 30-40 s late (a request waiting on a cache entry
		// another, cancelled load of the same asset still held, as far as we can tell); the app's pages always
		// revalidate their assets anyway (Cache-Control: no-cache), so the tests lose nothing a user relies on
		com.microsoft.playwright.CDPSession cdp = this.context.newCDPSession(this.page);
		cdp.send("Network.enable");
		com.google.gson.JsonObject noCache = new com.google.gson.JsonObject();
		noCache.addProperty("cacheDisabled", true);
		cdp.send("Network.setCacheDisabled", noCache);
		this.page.onResponse((response) -> {
			if (response.status() >= 400 && !"document".equals(response.request().resourceType())) {
				this.consoleErrors.add(response.status() + " " + response.url());
			}
		});
		this.page.onConsoleMessage((message) -> {
			// a failed load is reported by the response listener above, with its URL
			if ("error".equals(message.type()) && !message.text().startsWith("Failed to load resource")) {
				this.consoleErrors.add(message.text());
			}
		});
		this.page.onPageError(this.consoleErrors::add);
	}

	@AfterEach
	void closePageAndCheckItStayedLocal() {
		this.context.close();
		assertThat(this.foreignRequests).as("requests that left the app").isEmpty();
		List<String> unexpected = this.consoleErrors.stream()
			.filter((error) -> this.expectedFailures.stream().noneMatch(error::endsWith))
			.toList();
		assertThat(unexpected).as("JavaScript errors and failed subresource loads").isEmpty();
	}

	/** A failed response the test provokes on purpose, so that the end-of-test check does not count it. */
	protected void expectFailedResponse(int status, String path) {
		this.expectedFailures.add(status + " " + baseUrl() + path);
	}

	/** Signs the page in through the sign-in form as a user with this role (created on first use). */
	protected void signIn(dev.portcullis.identity.Role role) {
		createUser(username(role), role);
		open("/login");
		this.page.getByLabel("Username").fill(username(role));
		this.page.getByLabel("Password").fill(PASSWORD);
		this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
				new Page.GetByRoleOptions().setName("Sign in")).click();
		// the redirect is what signing in does; waiting for the next page's load event too only added a way to time
		// out on a loaded machine (what the test does next waits for what it needs)
		this.page.waitForURL((url) -> !url.contains("/login"),
				new Page.WaitForURLOptions().setWaitUntil(com.microsoft.playwright.options.WaitUntilState.COMMIT));
	}

	/**
	 * Navigates the page to {@code path} (relative to the app), trying once more when the first attempt times out.
	 * On a loaded build machine Chromium now and then received every response of a page (the app's access log shows
	 * them) yet ran its deferred scripts and fired {@code load} only 40 s later; a second navigation to the same
	 * address loads normally. Every check a test makes afterwards applies unchanged, so a page that really does not
	 * load still fails.
	 */
	protected com.microsoft.playwright.Response open(String path) {
		try {
			return this.page.navigate(path, new Page.NavigateOptions().setTimeout(15_000));
		}
		catch (com.microsoft.playwright.TimeoutError ex) {
			return this.page.navigate(path);
		}
	}

	protected String baseUrl() {
		return "http://localhost:" + this.port;
	}

	/** Saves a screenshot under {@code target/screenshots/} for a person to look at. */
	protected void screenshot(String name) {
		try {
			Path dir = Files.createDirectories(Path.of("target", "screenshots"));
			this.page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name + ".png")).setFullPage(true));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/**
	 * What a failed browser test adds to its failure (at the end of the message, which is what a build log's summary
	 * shows last), so that a failure seen once on a build machine can be told apart: requests the page still waits
	 * for, requests the server has not finished, the connection pool's use, the database sessions that are not idle
	 * and the server threads that are busy.
	 */
	static final class Diagnosis implements org.junit.jupiter.api.extension.TestExecutionExceptionHandler {

		@Override
		public void handleTestExecutionException(org.junit.jupiter.api.extension.ExtensionContext extension,
				Throwable failure) throws Throwable {
			if (!(extension.getTestInstance().orElse(null) instanceof BrowserTest test)) {
				throw failure;
			}
			String diagnosis;
			try {
				diagnosis = test.diagnosis();
			}
			catch (RuntimeException ex) {
				diagnosis = "(diagnosis failed: " + ex + ")";
			}
			System.out.println(diagnosis);
			AssertionError described = new AssertionError(failure.getMessage() + "\n" + diagnosis, failure);
			described.setStackTrace(failure.getStackTrace());
			throw described;
		}

	}

	@org.springframework.beans.factory.annotation.Autowired
	private InFlightRequests inFlight;

	private String diagnosis() {
		StringBuilder out = new StringBuilder("=== diagnosis of the failed browser test\n");
		long now = System.nanoTime();
		this.pending.forEach((request, sent) -> out.append("page waits ").append((now - sent) / 1_000_000)
			.append(" ms for ").append(request.method()).append(' ').append(request.url()).append('\n'));
		this.inFlight.describe().forEach((line) -> out.append(line).append('\n'));
		if (this.connectionFactory instanceof io.r2dbc.pool.ConnectionPool pool) {
			pool.getMetrics().ifPresent((m) -> out.append("pool acquired=").append(m.acquiredSize())
				.append(" allocated=").append(m.allocatedSize()).append(" idle=").append(m.idleSize())
				.append(" pending=").append(m.pendingAcquireSize()).append(" max=").append(m.getMaxAllocatedSize())
				.append('\n'));
		}
		try {
			io.r2dbc.spi.ConnectionFactory direct = (this.connectionFactory instanceof io.r2dbc.pool.ConnectionPool pool)
					? pool.unwrap() : this.connectionFactory;
			reactor.core.publisher.Mono.usingWhen(reactor.core.publisher.Mono.from(direct.create()),
					(c) -> reactor.core.publisher.Flux.from(c.createStatement("SELECT pid, state, wait_event_type, "
							+ "wait_event, round(extract(epoch FROM now() - xact_start)) AS xact_s, "
							+ "left(regexp_replace(query, '\\s+', ' ', 'g'), 120) AS q FROM pg_stat_activity "
							+ "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'")
						.execute())
						.concatMap((result) -> result.map((row, meta) -> "db " + row.get("pid") + " "
								+ row.get("state") + " " + row.get("wait_event_type") + "/" + row.get("wait_event")
								+ " xact " + row.get("xact_s") + " s: " + row.get("q")))
						.doOnNext((line) -> out.append(line).append('\n'))
						.then(),
					io.r2dbc.spi.Connection::close)
				.block(java.time.Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			out.append("pg_stat_activity failed: ").append(ex).append('\n');
		}
		Thread.getAllStackTraces().forEach((thread, stack) -> {
			String n = thread.getName();
			boolean server = n.startsWith("reactor-") || n.startsWith("boundedElastic") || n.startsWith("parallel")
					|| n.startsWith("engine-") || n.startsWith("portcullis") || n.contains("r2dbc");
			boolean waitingForWork = java.util.Arrays.stream(stack).limit(10).map(StackTraceElement::getMethodName)
				.anyMatch((m) -> m.equals("getTask") || m.equals("epollWait0") || m.equals("awaitWork")
						|| m.equals("select") || m.equals("take"));
			if (server && !waitingForWork && stack.length > 0) {
				out.append("thread ").append(n).append(' ').append(thread.getState()).append('\n');
				java.util.Arrays.stream(stack).limit(8).forEach((frame) -> out.append("    at ").append(frame).append('\n'));
			}
		});
		return out.append("=== end of diagnosis").toString();
	}

}
