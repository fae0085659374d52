// Live updates: a quick note written in one browser shows on another browser's open agent page,
// with no reload.
import { expect } from "@playwright/test";
import { LEADER, settled, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Aiden Clarke";

test("a note written in one browser shows on another's open agent page", async ({ newContext }, info) => {
  const watcher = await (await newContext()).newPage();
  const problems = watchConsole(watcher);
  const socket = watcher.waitForEvent("websocket");
  await signIn(watcher, LEADER);
  expect((await socket).url()).toContain("/api/v1/ws");
  await watcher.goto("/agents");
  await watcher.getByRole("link", { name: AGENT }).first().click();
  await expect(watcher.getByTestId("agent-name")).toHaveText(AGENT);
  await settled(watcher);

  // The same team leader on another device writes a note about the agent.
  const writer = await (await newContext()).newPage();
  await signIn(writer, LEADER);
  await writer.locator("body").press("q");
  await writer.getByTestId("note-agent").selectOption({ label: AGENT });
  const text = `Live: calm handover on call ${Date.now()}`;
  await writer.getByTestId("note-content").fill(text);
  await writer.getByTestId("note-save").click();
  await expect(writer.getByTestId("note-saved")).toBeVisible();

  // No reload on the watching page: the note arrives over its socket.
  await expect(watcher.getByText(text)).toBeVisible();
  await shot(watcher, info, "agent-live-note");

  expect(problems).toEqual([]);
});

test("a page whose live connection is down says so", async ({ page }, info) => {
  const problems = watchConsole(page, [/WebSocket/, /api\/v1\/events/, /ERR_FAILED/]);
  // Every live connection is refused at once, as when the network or the server is gone: the
  // WebSocket and the server-sent events it falls back to.
  await page.routeWebSocket(/\/api\/v1\/ws/, (ws) => ws.close());
  await page.route(/\/api\/v1\/events/, (route) => route.abort());
  await signIn(page, LEADER);
  await expect(page.getByTestId("offline")).toBeVisible();
  await expect(page.getByTestId("offline")).toContainText("Offline");
  await shot(page, info, "offline");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, info, "offline");
  expect(problems).toEqual([]);
});

test("behind a proxy that blocks WebSockets, live updates come as server-sent events", async ({ newContext }, info) => {
  const watcher = await (await newContext()).newPage();
  const problems = watchConsole(watcher, [/WebSocket/]);
  // The proxy takes the upgrade and drops it at once, every time.
  await watcher.routeWebSocket(/\/api\/v1\/ws/, (ws) => ws.close());
  const stream = watcher.waitForRequest(/\/api\/v1\/events/, { timeout: 20_000 });
  await signIn(watcher, LEADER);
  await stream;
  await watcher.goto("/agents");
  await watcher.getByRole("link", { name: AGENT }).first().click();
  await expect(watcher.getByTestId("agent-name")).toHaveText(AGENT);
  await settled(watcher);
  await expect(watcher.getByTestId("offline")).toHaveCount(0, { timeout: 15_000 });

  const writer = await (await newContext()).newPage();
  await signIn(writer, LEADER);
  await writer.locator("body").press("q");
  await writer.getByTestId("note-agent").selectOption({ label: AGENT });
  const text = `Live over events: ${Date.now()}`;
  await writer.getByTestId("note-content").fill(text);
  await writer.getByTestId("note-save").click();
  await expect(writer.getByTestId("note-saved")).toBeVisible();
  await expect(watcher.getByText(text)).toBeVisible({ timeout: 10_000 });
  await shot(watcher, info, "agent-live-events");
  expect(problems).toEqual([]);
});
