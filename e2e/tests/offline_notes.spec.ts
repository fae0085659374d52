// Quick notes written with the network cut are kept in the browser and sent when it returns,
// each exactly once, even when the answer to a sent note is lost on the way back.
import { test, expect, Page } from "@playwright/test";
import { LEADER, checkA11y, settled, shot, signIn, watchConsole } from "./helpers";

const AGENT = "Aiden Clarke";

async function writeNote(page: Page, text: string, outcome: "note-kept" | "note-saved") {
  await page.locator("body").press("q");
  await page.getByTestId("note-agent").selectOption({ label: AGENT });
  await page.getByTestId("note-content").fill(text);
  await page.getByTestId("note-save").click();
  await expect(page.getByTestId(outcome)).toBeVisible();
}

/// How many notes on the server have exactly `text`.
async function onServer(page: Page, text: string): Promise<number> {
  const reply = await page.request.get(`/api/v1/quick-notes?q=${encodeURIComponent(text)}&limit=50`);
  expect(reply.ok()).toBeTruthy();
  const page_ = await reply.json();
  return page_.items.filter((note: { content: string }) => note.content === text).length;
}

test("notes written offline are sent once each when the network returns", async ({ browser }, info) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The browser reports the requests the cut network refused on its own.
  const problems = watchConsole(page, [/ERR_INTERNET_DISCONNECTED|ERR_FAILED|WebSocket/]);
  await signIn(page, LEADER);
  await settled(page);

  await context.setOffline(true);
  const stamp = Date.now();
  const first = `Offline one ${stamp}`;
  const second = `Offline two ${stamp}`;
  await writeNote(page, first, "note-kept");
  await writeNote(page, second, "note-kept");
  await expect(page.getByTestId("offline")).toContainText("2 notes are kept on this device");
  await checkA11y(page, "offline notes");
  await shot(page, info, "offline-notes");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, info, "offline-notes");

  // Back online: both are sent, in order, and the notice goes.
  await context.setOffline(false);
  await expect(page.getByTestId("offline")).toBeHidden({ timeout: 15_000 });
  expect(await onServer(page, first)).toBe(1);
  expect(await onServer(page, second)).toBe(1);

  // The server writes a note but its answer never arrives: the browser keeps the note and
  // sends it again with the same key, and the server finds it rather than writing another.
  const lost = `Answer lost ${stamp}`;
  let dropped = false;
  await page.route("**/api/v1/quick-notes", async (route) => {
    if (dropped || route.request().method() !== "POST") return route.continue();
    dropped = true;
    await route.fetch();
    await route.abort("failed");
  });
  await writeNote(page, lost, "note-kept");
  await page.unroute("**/api/v1/quick-notes");
  await expect(page.getByTestId("offline")).toBeHidden({ timeout: 15_000 });
  expect(dropped).toBe(true);
  expect(await onServer(page, lost)).toBe(1);

  expect(problems).toEqual([]);
});
