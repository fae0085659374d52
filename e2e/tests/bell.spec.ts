// The bell: an action item assigned in another browser shows in the agent's unread count at
// once, with no reload; the panel lists it and marks everything read.
import { test, expect } from "@playwright/test";
import { LEADER, PASSWORD, checkA11y, emailOf, settled, shot, signIn, watchConsole } from "./helpers";

const AGENT = "Aiden Clarke";

test("the bell counts an item assigned in another browser", async ({ browser }, info) => {
  const agent = await (await browser.newContext()).newPage();
  const problems = watchConsole(agent);
  await signIn(agent, emailOf(AGENT));
  await settled(agent);
  const count = agent.getByTestId("bell-count");
  const before = (await count.count()) ? Number(await count.textContent()) : 0;

  // The team leader, in another browser, assigns the agent an action item.
  const leader = await browser.newContext();
  const login = await leader.request.post("/api/v1/auth/login", {
    data: { email: LEADER, password: PASSWORD },
  });
  expect(login.ok()).toBeTruthy();
  const token = (await login.json()).access_token;
  const me = await (await agent.request.get("/api/v1/me")).json();
  const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const title = `Shadow a senior agent ${Date.now()}`;
  const created = await leader.request.post("/api/v1/action-items", {
    headers: { Authorization: `Bearer ${token}` },
    data: { title, assignee_id: me.user.id, due_date: due, priority: "MEDIUM" },
  });
  expect(created.status()).toBe(201);

  // No reload: the count goes up, and the panel names the item.
  await expect(count).toHaveText(String(before + 1));
  await agent.getByTestId("bell").click();
  await expect(agent.getByTestId("bell-panel")).toContainText(title);
  await checkA11y(agent, "bell");
  await shot(agent, info, "bell");
  await agent.setViewportSize({ width: 375, height: 812 });
  await shot(agent, info, "bell");

  await agent.getByTestId("bell-read-all").click();
  await expect(count).toHaveCount(0);
  expect(problems).toEqual([]);
});
