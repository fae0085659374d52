// Journey, on a phone (375x812): an agent finds a completed session on their home, acknowledges
// it with a comment, and moves their action item forward.
import { expect } from "@playwright/test";
import { checkA11y, emailOf, LEADER, PASSWORD, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Chen Wei";

test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
test.setTimeout(90_000);

test("an agent acknowledges a session and works an item on a phone", async ({ page, request }, info) => {
  // Setup through the API, as the team leader: a session run and completed with one item.
  const login = await request.post("/api/v1/auth/login", { data: { email: LEADER, password: PASSWORD } });
  expect(login.ok()).toBeTruthy();
  const token = (await login.json()).access_token as string;
  const auth = { Authorization: `Bearer ${token}` };
  const agents = await (await request.get("/api/v1/users?role=AGENT&limit=200", { headers: auth })).json();
  const agent = agents.items.find((u: { name: string }) => u.name === AGENT);
  const at = new Date(Date.now() + 26 * 24 * 3600 * 1000);
  at.setUTCHours(7, 0, 0, 0);
  const scheduled = await request.post("/api/v1/sessions", {
    headers: auth,
    data: { agent_id: agent.id, scheduled_at: at.toISOString(), duration_minutes: 30, focus_areas: ["Call control"] },
  });
  expect(scheduled.status()).toBe(201);
  const session = await scheduled.json();
  const started = await request.post(`/api/v1/sessions/${session.id}/start`, { headers: auth, data: { version: session.version } });
  expect(started.ok()).toBeTruthy();
  const due = new Date(Date.now() + 14 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const completed = await request.post(`/api/v1/sessions/${session.id}/complete`, {
    headers: auth,
    data: {
      session_notes: "Hold times are down; keep summarising at the end of each call.",
      current_score: 78,
      action_items: [{ title: "Summarise every call before closing", due_date: due, priority: "MEDIUM" }],
      version: (await started.json()).version,
    },
  });
  expect(completed.ok()).toBeTruthy();

  // The agent, on their phone.
  const problems = watchConsole(page);
  await signIn(page, emailOf(AGENT));
  await expect(page.getByTestId("to-acknowledge")).toContainText("Coaching session");
  await checkA11y(page, "agent-home-phone");
  await shot(page, info, "agent-home");
  await page.getByTestId("to-acknowledge").getByRole("link", { name: "Review and acknowledge" }).first().click();
  await expect(page.getByTestId("session-status")).toHaveText("Completed");
  await page.getByTestId("ack-comment").fill("Agreed, summarising from today.");
  await shot(page, info, "agent-session");
  await page.getByTestId("acknowledge").click();
  await expect(page.getByTestId("acknowledged")).toContainText("summarising from today");
  await checkA11y(page, "agent-session-phone");

  await page.getByTestId("nav-home").click();
  const card = page.getByTestId("item-card").filter({ hasText: "Summarise every call before closing" });
  await card.getByTestId("move-in_progress").click();
  await expect(page.getByTestId("item-card").filter({ hasText: "Summarise every call before closing" }))
    .toHaveAttribute("data-status", "IN_PROGRESS");
  await page.getByTestId("nav-items").click();
  await expect(page.getByTestId("column-in_progress")).toContainText("Summarise every call before closing");
  await checkA11y(page, "agent-board-phone");
  await shot(page, info, "agent-board");
  expect(problems).toEqual([]);
});
