// Journey: the optional features the server turns off (ENABLE_ANALYTICS, ENABLE_REAL_TIME) are
// hidden in the browser. The same manager's home on the journeys' server (everything on) and on
// a second server with both off (playwright.config.ts starts it).
import { expect, Page, Request } from "@playwright/test";
import { emailOf, LEADER, settled, shot, signIn, test, watchConsole } from "./helpers";

const MANAGER = emailOf("Grace Okafor");

/// Opens home and waits until every read of what the server offers (`/api/v1/config`: the shell
/// and the home page each make one) has its answer and the page has drawn it: what is off is
/// hidden only after that, so checking before would prove nothing.
async function home(page: Page): Promise<void> {
  // Requests by identity: one begun before these listeners (and cut off by the reload) is not
  // counted, and so cannot be counted off either.
  const waiting = new Set<Request>();
  let asked = 0;
  page.on("request", (request) => {
    if (request.url().endsWith("/api/v1/config")) {
      waiting.add(request);
      asked += 1;
    }
  });
  page.on("requestfinished", (request) => waiting.delete(request));
  page.on("requestfailed", (request) => waiting.delete(request));
  await page.goto("/");
  await expect(page.getByTestId("home-ready")).toBeVisible();
  await settled(page);
  await expect.poll(() => asked > 0 && waiting.size === 0).toBe(true);
  await page.evaluate(() => new Promise((drawn) => requestAnimationFrame(() => drawn(null))));
}

/// Every live-update connection the page opens (a WebSocket or the event stream).
function liveConnections(page: Page): string[] {
  const opened: string[] = [];
  page.on("websocket", (socket) => opened.push(socket.url()));
  page.on("request", (request) => {
    if (request.url().includes("/api/v1/events")) opened.push(request.url());
  });
  return opened;
}

test("with everything on, a manager's home shows the teams side by side and the team's trend", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, MANAGER);
  await home(page);
  await expect(page.getByTestId("teams-overview")).toBeVisible();
  await expect(page.getByTestId("team-trend-card")).toBeVisible();
  expect(problems).toEqual([]);
});

test("with analytics and live updates off, home leaves out the team trends and nothing connects", async ({ newContext }, info) => {
  const offUrl = process.env.E2E_FLAGS_OFF_URL;
  expect(offUrl, "playwright.config.ts starts the second server").toBeTruthy();
  for (const [who, viewport] of [
    [MANAGER, { width: 1440, height: 900 }],
    [LEADER, { width: 375, height: 812 }],
  ] as const) {
    const context = await newContext({ baseURL: offUrl, viewport });
    const page = await context.newPage();
    const problems = watchConsole(page);
    const opened = liveConnections(page);
    await signIn(page, who);
    await home(page);
    // What coaching needs stays: the sessions, and who needs attention.
    await expect(page.getByRole("heading", { name: "Agents needing attention" })).toBeVisible();
    await expect(page.getByTestId("team-trend-card")).toHaveCount(0);
    await expect(page.getByTestId("teams-overview")).toHaveCount(0);
    if (who === MANAGER) await expect(page.getByTestId("approvals")).toBeVisible();
    await shot(page, info, who === MANAGER ? "flags-off-manager-home" : "flags-off-leader-home");
    expect(opened).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }
});
