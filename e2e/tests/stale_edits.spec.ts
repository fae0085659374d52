// Journeys: someone else changes a record while it is open in a form (people, teams, templates,
// the scorecard, webhooks, plans). What is typed stays when the live change arrives; saving it
// shows "Changed by someone else" with the choice to reload or apply mine again, never a silent
// overwrite. Each journey makes its own record through the API and leaves the demo as it was.
import { APIRequestContext, expect, Page } from "@playwright/test";
import { ADMIN, apiToken, checkA11y, LEADER, settled, shot, signIn, test, watchConsole } from "./helpers";

test.describe.configure({ mode: "serial", timeout: 60_000 });

type Json = Record<string, unknown>;

/// A client of the API as `email` (another tab, another person).
async function client(request: APIRequestContext, email: string) {
  const headers = { Authorization: `Bearer ${await apiToken(request, email)}` };
  return {
    async get(path: string): Promise<Json> {
      const answer = await request.get(path, { headers });
      expect(answer.status(), path).toBe(200);
      return answer.json();
    },
    async send(method: "post" | "patch" | "put" | "delete", path: string, data?: Json, version?: number): Promise<Json> {
      const answer = await request.fetch(path, {
        method,
        headers: version === undefined ? headers : { ...headers, "If-Match": `"${version}"` },
        data,
      });
      expect(answer.status(), `${method} ${path}: ${await answer.text()}`).toBeLessThan(300);
      return answer.status() === 204 ? {} : answer.json();
    },
  };
}

/// Saves, meets the conflict dialog, and applies the change again on top of the other one.
async function applyMineAgain(page: Page, save: string, name: string, info: Parameters<typeof shot>[1]) {
  await page.getByTestId(save).click();
  const dialog = page.getByTestId("conflict-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Changed by someone else");
  await checkA11y(page, `${name}-conflict`);
  await shot(page, info, `${name}-conflict`);
  await page.getByTestId("conflict-reapply").click();
  await expect(dialog).toBeHidden();
}

test("a person changed by someone else while open: the typed name stays and is applied again", async ({ page, request }, info) => {
  const admin = await client(request, ADMIN);
  const person = await admin.send("post", "/api/v1/users", {
    email: "morgan.lee@demo.coaching-hub.example", name: "Morgan Lee", role: "MANAGER", password: "a-temporary-password",
  });
  const problems = watchConsole(page, [/status of 412/]);
  await signIn(page, ADMIN);
  await page.goto("/admin/people");
  await settled(page);
  await page.getByRole("button", { name: "Edit Morgan Lee" }).click();
  await page.getByTestId("person-name").fill("Morgan Lee-Okafor");

  // Another admin renames them meanwhile: the list shows it live, the form keeps what was typed.
  await admin.send("patch", `/api/v1/users/${person.id}`, { name: "Morgan A. Lee" }, person.version as number);
  await expect(page.getByTestId("person-row").filter({ hasText: "Morgan A. Lee" })).toBeVisible();
  await expect(page.getByTestId("person-name")).toHaveValue("Morgan Lee-Okafor");

  await applyMineAgain(page, "person-save", "person", info);
  await expect(page.getByTestId("person-form")).toBeHidden();
  await expect(page.getByTestId("person-row").filter({ hasText: "Morgan Lee-Okafor" })).toBeVisible();
  expect((await admin.get(`/api/v1/users/${person.id}`)).name).toBe("Morgan Lee-Okafor");
  await admin.send("post", `/api/v1/users/${person.id}/deactivate`);
  expect(problems).toEqual([]);
});

test("a team changed by someone else: reloading shows theirs", async ({ page, request }, info) => {
  const admin = await client(request, ADMIN);
  const leader = ((await admin.get("/api/v1/users?role=TEAM_LEADER&limit=1")).items as Json[])[0];
  const team = await admin.send("post", "/api/v1/teams", { name: "Night shift", team_leader_id: leader.id });
  const problems = watchConsole(page, [/status of 412/]);
  await signIn(page, ADMIN);
  await page.goto("/admin/teams");
  await settled(page);
  await page.getByRole("button", { name: "Change Night shift", exact: true }).click();
  await page.getByTestId("team-name").fill("Night shift (EMEA)");
  await admin.send("patch", `/api/v1/teams/${team.id}`, { name: "Late shift" }, team.version as number);

  await page.getByTestId("team-save").click();
  await expect(page.getByTestId("conflict-dialog")).toBeVisible();
  await expect(page.getByTestId("team-name")).toHaveValue("Night shift (EMEA)");
  await shot(page, info, "team-conflict");
  await page.getByTestId("conflict-reload").click();
  await expect(page.getByTestId("team-form")).toBeHidden();
  await expect(page.getByTestId("team-row").filter({ hasText: "Late shift" })).toBeVisible();
  expect((await admin.get(`/api/v1/teams/${team.id}`)).name).toBe("Late shift");
  expect(problems).toEqual([]);
});

test("a template changed by someone else: mine is applied on top", async ({ page, request }, info) => {
  const leader = await client(request, LEADER);
  const me = await leader.get("/api/v1/me");
  const teamId = ((me.led_team_ids as string[]) ?? [])[0];
  const body = { name: "Stale-edit check-in", team_id: teamId, focus_areas: ["Empathy"], duration_minutes: 30, action_items: [] };
  const template = await leader.send("post", "/api/v1/session-templates", body);
  const problems = watchConsole(page, [/status of 412/]);
  await signIn(page, LEADER);
  await page.goto("/sessions/templates");
  await settled(page);
  await page.getByTestId("template-row").filter({ hasText: "Stale-edit check-in" }).getByTestId("template-edit").click();
  await page.getByTestId("template-agenda").fill("Two calls, then one habit to keep.");
  await leader.send("put", `/api/v1/session-templates/${template.id}`, { ...body, duration_minutes: 45, version: template.version });

  await applyMineAgain(page, "template-save", "template", info);
  await expect(page.getByTestId("template-form")).toBeHidden();
  const saved = await leader.get(`/api/v1/session-templates/${template.id}`);
  expect(saved.agenda).toBe("Two calls, then one habit to keep.");
  await leader.send("delete", `/api/v1/session-templates/${template.id}`);
  expect(problems).toEqual([]);
});

test("a scorecard configuration saved by another admin first is not saved over unseen", async ({ page, request }, info) => {
  const admin = await client(request, ADMIN);
  const settings = await admin.get("/api/v1/scorecard/config");
  const current = (settings.configs as Json[])[0];
  const problems = watchConsole(page, [/status of 412/]);
  await signIn(page, ADMIN);
  await page.goto("/admin/scorecard");
  await settled(page);
  await page.getByTestId("effective-from").fill("2031-02");
  await admin.send("put", "/api/v1/scorecard/config", { effective_from: "2031-01", kpis: current.kpis }, settings.version as number);

  await applyMineAgain(page, "weights-save", "scorecard", info);
  await expect(page.getByTestId("weights-saved")).toContainText("Feb 2031");
  const now = await admin.get("/api/v1/scorecard/config");
  expect((now.configs as Json[]).slice(0, 2).map((c) => c.effective_from)).toEqual(["2031-02", "2031-01"]);
  expect(problems).toEqual([]);
});

test("a webhook turned off elsewhere first: turning it off again asks", async ({ page, request }, info) => {
  const admin = await client(request, ADMIN);
  const created = await admin.send("post", "/api/v1/webhooks", {
    url: "http://127.0.0.1:9999/stale", description: "Stale-edit check", events: ["session_changed"],
  });
  const hook = created.webhook as Json;
  const problems = watchConsole(page, [/status of 412/]);
  await signIn(page, ADMIN);
  await page.goto("/admin/webhooks");
  await settled(page);
  const row = page.getByTestId("webhook-row").filter({ hasText: "Stale-edit check" });
  await expect(row).toContainText("On");
  await admin.send("patch", `/api/v1/webhooks/${hook.id}`, { description: "Stale-edit check (renamed)", version: hook.version });

  await row.getByTestId("webhook-toggle").click();
  await expect(page.getByTestId("conflict-dialog")).toBeVisible();
  await shot(page, info, "webhook-conflict");
  await page.getByTestId("conflict-reapply").click();
  await expect(page.getByTestId("webhook-row").filter({ hasText: "Stale-edit check (renamed)" })).toContainText("Off");
  await admin.send("delete", `/api/v1/webhooks/${hook.id}`);
  expect(problems).toEqual([]);
});

test("a draft plan changed live while its form is open keeps the typed goal", async ({ page, request }, info) => {
  const leader = await client(request, LEADER);
  const agents = (await leader.get("/api/v1/users?role=AGENT&limit=200")).items as Json[];
  const agent = agents[0];
  const plan = await leader.send("post", "/api/v1/action-plans", {
    agent_id: agent.id, title: "Stale-edit plan", goal: "First goal", start_date: "2027-01-04", end_date: "2027-02-26",
  });
  const problems = watchConsole(page, [/status of 412/]);
  await signIn(page, LEADER);
  await page.goto(`/plans/${plan.id}`);
  await settled(page);
  await page.getByTestId("plan-edit").click();
  await page.getByTestId("plan-edit-goal").fill("Resolve three in four contacts at the first reply");

  // Another coach retitles it: the page shows the new title live; the goal typed here stays.
  await leader.send("patch", `/api/v1/action-plans/${plan.id}`, { title: "Stale-edit plan (renamed)" }, plan.version as number);
  await expect(page.getByTestId("plan-title")).toHaveText("Stale-edit plan (renamed)");
  await expect(page.getByTestId("plan-edit-goal")).toHaveValue("Resolve three in four contacts at the first reply");

  await applyMineAgain(page, "plan-edit-save", "plan", info);
  await expect(page.getByTestId("plan-edit-form")).toBeHidden();
  const saved = await leader.get(`/api/v1/action-plans/${plan.id}`);
  expect(saved.goal).toBe("Resolve three in four contacts at the first reply");
  expect(saved.title).toBe("Stale-edit plan (renamed)");
  await leader.send("post", `/api/v1/action-plans/${plan.id}/cancel`, { reason: "Made by a journey" }, saved.version as number);
  expect(problems).toEqual([]);
});

test("a booked session changed live while its form is open keeps what is typed", async ({ page, request }, info) => {
  const leader = await client(request, LEADER);
  const me = await leader.get("/api/v1/me");
  const team = await leader.get(`/api/v1/teams/${(me.led_team_ids as string[])[0]}`);
  const agent = (team.agent_ids as string[])[0];
  // A slot far enough ahead to be free: a quarter past seven in the morning, 300 days on.
  const at = new Date();
  at.setDate(at.getDate() + 300);
  at.setUTCHours(7, 15, 0, 0);
  const session = await leader.send("post", "/api/v1/sessions", { agent_id: agent, scheduled_at: at.toISOString(), duration_minutes: 30 });
  const problems = watchConsole(page, [/status of 412/]);
  await signIn(page, LEADER);
  await page.goto(`/sessions/${session.id}`);
  await settled(page);
  await page.getByTestId("edit-session").click();
  await page.getByTestId("edit-preparation").fill("Listen to the two escalated calls first.");

  await leader.send("patch", `/api/v1/sessions/${session.id}`, { focus_areas: ["Empathy"] }, session.version as number);
  await expect(page.locator(".facts")).toContainText("Empathy");
  await expect(page.getByTestId("edit-preparation")).toHaveValue("Listen to the two escalated calls first.");
  await shot(page, info, "session-change-kept");

  await applyMineAgain(page, "save-session", "session", info);
  await expect(page.getByTestId("edit-session-form")).toBeHidden();
  const saved = await leader.get(`/api/v1/sessions/${session.id}`);
  expect(saved.preparation_notes).toBe("Listen to the two escalated calls first.");
  expect(saved.focus_areas).toEqual(["Empathy"]);
  await leader.send("post", `/api/v1/sessions/${session.id}/cancel`, { reason: "Made by a journey" }, saved.version as number);
  expect(problems).toEqual([]);
});
