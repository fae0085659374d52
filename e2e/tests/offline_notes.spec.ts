// Offline quick notes: with the network cut, two notes are kept in the browser and sent in order
// when it returns; a note whose answer was lost is sent again under the same Idempotency-Key.
// Each exists exactly once on the server.
import { expect, APIRequestContext } from "@playwright/test";
import { ADMIN, checkA11y, LEADER, PASSWORD, settled, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Bianca Rossi";
/// An agent of the team leader's that no other journey uses.
const MOVED = "Hana Kobayashi";

/// The contents of the team leader's notes that contain `marker`, newest first.
async function notesAbout(request: APIRequestContext, auth: Record<string, string>, marker: string): Promise<string[]> {
  const page = await (await request.get("/api/v1/quick-notes?limit=200", { headers: auth })).json();
  return page.items.map((n: { content: string }) => n.content).filter((c: string) => c.includes(marker));
}

test("notes written offline are sent once each when the network returns", async ({ newContext, request }, info) => {
  const login = await request.post("/api/v1/auth/login", { data: { email: LEADER, password: PASSWORD } });
  expect(login.ok()).toBeTruthy();
  const auth = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const context = await newContext();
  const page = await context.newPage();
  // The browser reports the refused requests and the dropped socket itself.
  const problems = watchConsole(page, [/ERR_INTERNET_DISCONNECTED/, /ERR_FAILED/, /WebSocket/]);
  await signIn(page, LEADER);
  await settled(page);
  const marker = `offline-${Date.now()}`;
  const write = async (text: string) => {
    await page.locator("body").press("q");
    await page.getByTestId("note-agent").selectOption({ label: AGENT });
    await page.getByTestId("note-content").fill(text);
    await page.getByTestId("note-save").click();
    await expect(page.getByTestId("quick-note-dialog")).toHaveCount(0);
  };

  await context.setOffline(true);
  await write(`${marker} first: asked for the customer's account number twice`);
  await expect(page.getByTestId("note-saved")).toContainText("Kept on this device");
  await write(`${marker} second: good recovery after the transfer`);
  await expect(page.getByTestId("offline")).toContainText("2 quick notes are kept on this device");
  await shot(page, info, "offline-notes");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, info, "offline-notes");
  expect(await notesAbout(request, auth, marker)).toEqual([]);

  await context.setOffline(false);
  await expect(page.getByTestId("offline")).toHaveCount(0);
  await expect.poll(() => notesAbout(request, auth, marker)).toHaveLength(2);
  // Newest first: the order they were written in.
  expect(await notesAbout(request, auth, marker)).toEqual([
    `${marker} second: good recovery after the transfer`,
    `${marker} first: asked for the customer's account number twice`,
  ]);

  // The server writes the next note, but its answer never reaches the page: the page keeps
  // the note and sends it again with the same key, and the server returns the first result.
  const keys: string[] = [];
  await page.route("**/api/v1/quick-notes", async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    keys.push(route.request().headers()["idempotency-key"]);
    if (keys.length === 1) {
      await route.fetch();
      return route.abort("failed");
    }
    return route.fallback();
  });
  await write(`${marker} third: answer lost on the way back`);
  await expect(page.getByTestId("offline")).toHaveCount(0);
  await expect.poll(() => keys.length).toBe(2);
  expect(keys[0]).toBeTruthy();
  expect(keys[1]).toBe(keys[0]);
  expect(await notesAbout(request, auth, `${marker} third`)).toHaveLength(1);
  await page.unroute("**/api/v1/quick-notes");

  expect(problems).toEqual([]);
});

test("a note refused when the network returns stays with the reason, to fix or discard", async ({ newContext, request }, info) => {
  const admin = await request.post("/api/v1/auth/login", { data: { email: ADMIN, password: PASSWORD } });
  const adminAuth = { Authorization: `Bearer ${(await admin.json()).access_token}` };
  const people = await (await request.get("/api/v1/users?role=AGENT&limit=200", { headers: adminAuth })).json();
  const agent = people.items.find((u: { name: string }) => u.name === MOVED);
  const teams = await (await request.get("/api/v1/teams?limit=200", { headers: adminAuth })).json();
  const elsewhere = teams.items.find((t: { name: string }) => t.name === "Technical Support");
  const context = await newContext();
  const page = await context.newPage();
  const problems = watchConsole(page, [/ERR_INTERNET_DISCONNECTED/, /ERR_FAILED/, /WebSocket/, /422/]);
  await signIn(page, LEADER);
  await settled(page);

  await context.setOffline(true);
  await page.locator("body").press("q");
  await page.getByTestId("note-agent").selectOption({ label: MOVED });
  await page.getByTestId("note-content").fill("Offline: great empathy on the billing call");
  await page.getByTestId("note-save").click();
  await expect(page.getByTestId("offline")).toContainText("1 quick note is kept on this device");

  // Meanwhile the agent moves to another team: the note is no longer the team leader's to write.
  const moved = await request.patch(`/api/v1/users/${agent.id}`, {
    headers: adminAuth,
    data: { team_id: elsewhere.id, version: agent.version },
  });
  expect(moved.status()).toBe(200);
  try {
    await context.setOffline(false);
    const refused = page.getByTestId("refused-note");
    await expect(refused).toBeVisible();
    await expect(refused).toContainText(MOVED);
    await expect(page.getByTestId("refused-content")).toHaveValue("Offline: great empathy on the billing call");
    await checkA11y(page, "refused-note");
    await shot(page, info, "refused-note");
    // It stays after a reload (it is kept on this device), until discarded.
    await page.reload();
    await expect(page.getByTestId("refused-note")).toBeVisible();
    await page.getByTestId("refused-discard").click();
    await expect(page.getByTestId("refused-notes")).toHaveCount(0);
  } finally {
    const current = await (await request.get(`/api/v1/users/${agent.id}`, { headers: adminAuth })).json();
    await request.patch(`/api/v1/users/${agent.id}`, {
      headers: adminAuth,
      data: { team_id: agent.team_id, version: current.version },
    });
  }
  expect(problems).toEqual([]);
});
