// Journey: a team leader finds email notifications on their account page, turns them off and on
// again; a session they schedule reaches its agent by email, with the calendar invitation.
import { expect } from "@playwright/test";
import { apiToken, checkA11y, emailOf, LEADER, mailTo, settled, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Chen Wei";


test("a team leader chooses email, and a session they schedule is emailed to its agent", async ({ page, request }, info) => {
  const problems = watchConsole(page);
  await signIn(page, LEADER);
  await page.getByTestId("account").click();
  await settled(page);
  const choice = page.getByTestId("email-enabled");
  await expect(choice).toBeChecked();
  await choice.uncheck();
  await page.reload();
  await expect(page.getByTestId("email-enabled")).not.toBeChecked();
  await page.getByTestId("email-enabled").check();
  await page.reload();
  await expect(page.getByTestId("email-enabled")).toBeChecked();
  await checkA11y(page, "account-email");
  await shot(page, info, "account-email");

  const token = await apiToken(request, LEADER);
  const auth = { Authorization: `Bearer ${token}` };
  const agents = await (await request.get("/api/v1/users?role=AGENT&limit=200", { headers: auth })).json();
  const agent = agents.items.find((u: { name: string }) => u.name === AGENT);
  const at = new Date(Date.now() + 40 * 24 * 3600 * 1000);
  at.setUTCHours(9, 30, 0, 0);
  const scheduled = await request.post("/api/v1/sessions", {
    headers: auth,
    data: { agent_id: agent.id, scheduled_at: at.toISOString(), duration_minutes: 30, focus_areas: ["Empathy"] },
  });
  expect(scheduled.status()).toBe(201);
  // The demo's own news and reminders reach the agent too: wait for the invitation itself.
  const invitations = () => mailTo(emailOf(AGENT)).filter((m) => m.includes("session.ics"));
  await expect.poll(() => invitations().length, { timeout: 15_000 }).toBeGreaterThan(0);
  const raw = invitations().join("\n");
  expect(raw).toContain("session.ics");
  expect(raw).toMatch(/Content-Type: text\/calendar/i);
  expect(problems).toEqual([]);
});
