// Journeys: a team leader's week without the API. A booked session is changed on its page and
// dragged to another day in the week calendar (the agent is told, their calendar feed follows);
// action items are made, changed, reopened and cancelled outside any session, with the keyboard
// and on a phone; a person changes their password, gets a forgotten one back by email, and an
// admin emails someone a link instead of telling them a temporary password.
import { APIRequestContext, expect, Page } from "@playwright/test";
import { ADMIN, apiToken, checkA11y, emailOf, LEADER, mailTo, PASSWORD, settled, shot, signIn, test, watchConsole } from "./helpers";

test.describe.configure({ mode: "serial", timeout: 120_000 });

/// Agents other journeys use: this one leaves them alone.
const TAKEN = ["Aiden Clarke", "Bianca Rossi", "Chen Wei", "Dana Whitfield", "Elif Yilmaz", "Farah Haddad", "Gabriel Silva", "Hana Kobayashi", "Hugo Laurent"];

type Person = { id: string; name: string; email: string };

/// An agent of the team leader's that no other journey uses.
async function spareAgent(request: APIRequestContext, skip: string[] = []): Promise<Person> {
  const token = await apiToken(request, LEADER);
  const agents = await (await request.get("/api/v1/users?role=AGENT&active=true&limit=200", { headers: { Authorization: `Bearer ${token}` } })).json();
  const spare = (agents.items as Person[]).filter((a) => !TAKEN.includes(a.name) && !skip.includes(a.name));
  expect(spare.length).toBeGreaterThan(0);
  return spare[spare.length - 1];
}

/// The next Monday (local midnight), `weeks` weeks on.
function monday(weeks: number): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + ((8 - d.getDay()) % 7 || 7) + 7 * (weeks - 1));
  return d;
}

function ymd(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}


/// The token of the last password link emailed to `address`.
async function emailedLink(address: string): Promise<string> {
  await expect.poll(() => mailTo(address).filter((m) => m.includes("/reset-password#")).length, { timeout: 15_000 }).toBeGreaterThan(0);
  const mail = mailTo(address).filter((m) => m.includes("/reset-password#")).pop() ?? "";
  const link = /\/reset-password#([A-Za-z0-9_-]+)/.exec(mail.replace(/=\r?\n/g, ""));
  expect(link).not.toBeNull();
  return link?.[1] ?? "";
}

test("a booked session is changed on its page and dragged to another day", async ({ page, request }, info) => {
  const problems = watchConsole(page);
  const agent = await spareAgent(request);
  const token = await apiToken(request, LEADER);
  const auth = { Authorization: `Bearer ${token}` };
  const wednesday = monday(1);
  wednesday.setDate(wednesday.getDate() + 2);
  wednesday.setHours(7, 15, 0, 0);
  const booked = await request.post("/api/v1/sessions", {
    headers: auth,
    data: { agent_id: agent.id, scheduled_at: wednesday.toISOString(), duration_minutes: 30, focus_areas: ["Empathy"] },
  });
  expect(booked.status()).toBe(201);
  const session = await booked.json();

  await signIn(page, LEADER);
  await page.goto(`/sessions/${session.id}`);
  await page.getByTestId("edit-session").click();
  await expect(page.getByTestId("edit-session-form")).toBeVisible();
  await page.getByTestId("edit-time").fill("07:45");
  await page.getByTestId("edit-length").selectOption("45");
  await page.getByTestId("edit-focus").fill("Empathy, Call control");
  await page.getByTestId("edit-preparation").fill("Listen to Tuesday's escalation first.");
  await checkA11y(page, "session-edit");
  await shot(page, info, "session-edit");
  await page.getByTestId("save-session").click();
  await expect(page.getByTestId("edit-session-form")).toHaveCount(0);
  await expect(page.getByText("07:45 – 08:30")).toBeVisible();
  await expect(page.getByText("Empathy, Call control")).toBeVisible();
  await expect(page.getByText("Listen to Tuesday's escalation first.")).toBeVisible();

  // The week calendar: dragged from Wednesday to Thursday, same time of day.
  await page.goto("/sessions");
  await settled(page);
  await page.getByRole("button", { name: "Next week" }).click();
  const thursday = new Date(wednesday);
  thursday.setDate(thursday.getDate() + 1);
  const slot = page.getByTestId(`day-${ymd(wednesday)}`).getByTestId("week-slot").filter({ hasText: agent.name }).filter({ hasText: "07:45" });
  await expect(slot).toBeVisible();
  await slot.dragTo(page.getByTestId(`day-${ymd(thursday)}`));
  await expect(page.getByTestId(`day-${ymd(thursday)}`).getByTestId("week-slot").filter({ hasText: agent.name }).filter({ hasText: "07:45" })).toBeVisible();
  await expect(page.getByTestId(`day-${ymd(wednesday)}`).getByTestId("week-slot").filter({ hasText: agent.name }).filter({ hasText: "07:45" })).toHaveCount(0);
  await shot(page, info, "week-moved");

  // The agent was told, and their calendar feed carries the change.
  const agentToken = await apiToken(request, agent.email);
  const agentAuth = { Authorization: `Bearer ${agentToken}` };
  const told = await (await request.get("/api/v1/notifications", { headers: agentAuth })).json();
  const moved = told.items.filter((n: { kind: string; title: string }) => n.kind === "SESSION_CHANGED");
  expect(moved.length).toBeGreaterThanOrEqual(2);
  const feed = await (await request.post("/api/v1/me/calendar", { headers: agentAuth })).json();
  const ics = await (await request.get(new URL(feed.url).pathname)).text();
  const event = ics.split("BEGIN:VEVENT").find((e) => e.includes(session.id)) ?? "";
  expect(Number(/SEQUENCE:(\d+)/.exec(event)?.[1] ?? "0")).toBeGreaterThanOrEqual(2);
  expect(problems).toEqual([]);
});

/// The board's card titled `title`.
function card(page: Page, title: string) {
  return page.getByTestId("item-card").filter({ hasText: title });
}

test("action items are made, changed, reopened and cancelled outside a session", async ({ page, request }, info) => {
  // The 422 of cancelling without a reason, shown in the dialog; the requests made offline.
  const problems = watchConsole(page, [/422/, /ERR_INTERNET_DISCONNECTED/, /ERR_FAILED/, /WebSocket/]);
  const agent = await spareAgent(request);
  const title = `Review three refund calls ${Date.now()}`;
  await signIn(page, LEADER);
  await page.goto("/items");
  await settled(page);

  // New, from the board, with the keyboard: focus comes back to the button after Esc.
  const opener = page.getByTestId("new-item");
  await opener.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("item-dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("item-dialog")).toHaveCount(0);
  await expect(opener).toBeFocused();
  await opener.click();
  await page.getByTestId("item-agent").selectOption({ label: agent.name });
  await page.getByTestId("item-edit-title").fill(title);
  await page.getByTestId("item-edit-description").fill("Use the checklist; note where it helped.");
  await page.getByTestId("item-edit-priority").selectOption("HIGH");
  await checkA11y(page, "item-new");
  await shot(page, info, "item-new");
  await page.getByTestId("item-save").click();
  await expect(page.getByTestId("item-dialog")).toHaveCount(0);
  await expect(page.getByTestId("column-pending").getByText(title)).toBeVisible();

  // Changed: title and priority.
  await card(page, title).getByTestId("item-edit").click();
  await page.getByTestId("item-edit-title").fill(`${title} (with Ana)`);
  await page.getByTestId("item-edit-priority").selectOption("LOW");
  await page.getByTestId("item-save").click();
  await expect(card(page, `${title} (with Ana)`)).toContainText("Low");

  // Done from the keyboard (focus follows the card to its new column), then reopened.
  await card(page, title).getByTestId("move-completed").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("column-completed").getByText(title)).toBeVisible();
  await expect(page.getByTestId("column-completed").getByTestId("item-card").filter({ hasText: title })).toBeFocused();
  await page.getByTestId("column-completed").getByTestId("item-card").filter({ hasText: title }).getByRole("button", { name: /^Reopen/ }).click();
  await expect(page.getByTestId("column-pending").getByText(title)).toBeVisible();

  // Cancelled with a reason: it leaves the board.
  await card(page, title).getByTestId("item-edit").click();
  await page.getByTestId("item-cancel").click();
  await page.getByTestId("item-cancel-confirm").click();
  await expect(page.getByTestId("cancel_reason-error")).toBeVisible();
  await page.getByTestId("item-cancel-reason").fill("Covered by the new coaching plan");
  await checkA11y(page, "item-cancel");
  await shot(page, info, "item-cancel");
  await page.getByTestId("item-cancel-confirm").click();
  await expect(card(page, title)).toHaveCount(0);

  // From the agent's page, the agent is already chosen.
  await page.goto(`/agents/${agent.id}`);
  await page.getByTestId("agent-new-item").click();
  await expect(page.getByTestId("item-agent")).toHaveCount(0);
  await page.getByTestId("item-edit-title").fill(`Shadow a senior colleague ${Date.now()}`);
  await page.getByTestId("item-save").click();
  await expect(page.getByTestId("item-dialog")).toHaveCount(0);
  await expect(page.getByTestId("item-card").filter({ hasText: "Shadow a senior colleague" }).first()).toBeVisible();

  // A move made offline says so and offers to try again once the connection is back.
  await page.goto("/items");
  await settled(page);
  const shadow = page.getByTestId("column-pending").getByTestId("item-card").filter({ hasText: "Shadow a senior colleague" }).first();
  await page.context().setOffline(true);
  await shadow.getByTestId("move-in_progress").click();
  await expect(page.getByTestId("move-unsent")).toBeVisible();
  await shot(page, info, "move-unsent");
  await page.context().setOffline(false);
  await page.getByTestId("move-retry").click();
  await expect(page.getByTestId("move-unsent")).toHaveCount(0);
  await expect(page.getByTestId("column-in_progress").getByText("Shadow a senior colleague").first()).toBeVisible();
  expect(problems).toEqual([]);
});

test("on a phone: the item dialog, a session's changes and the password form", async ({ newContext }, info) => {
  const context = await newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await signIn(page, LEADER);
  await page.goto("/items");
  await settled(page);
  await page.getByTestId("new-item").click();
  await expect(page.getByTestId("item-dialog")).toBeVisible();
  await checkA11y(page, "item-new-phone");
  await shot(page, info, "item-new");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
  await page.getByTestId("item-dialog-close").click();
  await expect(page.getByTestId("item-dialog")).toHaveCount(0);

  // The week's other new screens, on the phone: a session's changes, the password form.
  await page.goto("/sessions");
  await settled(page);
  await page.getByTestId("list-view").click();
  await page.getByTestId("session-link").first().click();
  await settled(page);
  const edit = page.getByTestId("edit-session");
  if (await edit.count()) {
    await edit.click();
    await checkA11y(page, "session-edit-phone");
    await shot(page, info, "session-edit");
  }
  await page.goto("/account");
  await settled(page);
  // Reminders, each kind on its own: turned off, kept after a reload, turned on again.
  await page.getByTestId("reminder-sessions").uncheck();
  await expect(page.getByTestId("reminder-sessions")).toBeEnabled();
  await page.reload();
  await settled(page);
  await expect(page.getByTestId("reminder-sessions")).not.toBeChecked();
  await expect(page.getByTestId("reminder-overdue")).toBeChecked();
  await page.getByTestId("reminder-sessions").check();
  await expect(page.getByTestId("reminder-sessions")).toBeEnabled();
  await checkA11y(page, "account-phone");
  await shot(page, info, "account-password");
  for (const screen of ["/sessions", "/account"]) {
    await page.goto(screen);
    await settled(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), screen).toBeLessThanOrEqual(375);
  }
  expect(problems).toEqual([]);
});

test("a person changes their password; a forgotten one comes back by an emailed link", async ({ page, request, newContext }, info) => {
  const problems = watchConsole(page, [/422/]);
  const agent = await spareAgent(request);
  await signIn(page, agent.email);
  const other = await (await newContext()).newPage();
  await signIn(other, agent.email);

  await page.getByTestId("account").click();
  await settled(page);
  await expect(page.getByTestId("password-rules")).toContainText("12 to 128 characters");
  await page.getByTestId("current-password").fill("not my password");
  await page.getByTestId("new-password").fill("a much longer passphrase");
  await page.getByTestId("new-password-again").fill("a much longer passphrase");
  await page.getByTestId("change-password").click();
  await expect(page.getByTestId("current_password-error")).toBeVisible();
  await page.getByTestId("current-password").fill(PASSWORD);
  await page.getByTestId("new-password-again").fill("a different passphrase");
  await page.getByTestId("change-password").click();
  await expect(page.getByTestId("new_password_again-error")).toHaveText("The two passwords differ");
  await page.getByTestId("new-password-again").fill("a much longer passphrase");
  await checkA11y(page, "account-password");
  await shot(page, info, "account-password");
  await page.getByTestId("change-password").click();
  await expect(page.getByTestId("password-changed")).toBeVisible();
  // The other browser is signed out; this one stays.
  await other.reload();
  await expect(other.getByTestId("sign-in")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("sign-out")).toBeVisible();
  expect(problems).toEqual([]);
  // The reset below ends every session of theirs, this page's too: it is closed first, so that
  // its live connection is not refused (401) after the check.
  await page.close();

  // Forgotten: the sign-in page emails a link; the link sets a new password and signs in.
  const guest = await (await newContext()).newPage();
  const guestProblems = watchConsole(guest, [/422/]);
  await guest.goto("/login");
  await guest.getByTestId("forgot-password").click();
  await guest.getByTestId("forgot-email").fill(agent.email);
  await checkA11y(guest, "forgot-password");
  await shot(guest, info, "forgot-password");
  await guest.getByTestId("send-link").click();
  await expect(guest.getByTestId("link-sent")).toBeVisible();
  const token = await emailedLink(agent.email);
  await guest.goto(`/reset-password#${token}`);
  await expect(guest.getByTestId("new-password-form")).toBeVisible();
  await expect(guest).toHaveURL(/\/reset-password$/);
  await guest.getByTestId("new-password").fill("found it again, a passphrase");
  await guest.getByTestId("new-password-again").fill("found it again, a passphrase");
  await guest.getByTestId("set-password").click();
  await expect(guest.getByTestId("sign-out")).toBeVisible();
  // The link works once.
  const reused = await (await newContext()).newPage();
  await reused.goto(`/reset-password#${token}`);
  await reused.getByTestId("new-password").fill("yet another passphrase");
  await reused.getByTestId("new-password-again").fill("yet another passphrase");
  await reused.getByTestId("set-password").click();
  await expect(reused.getByTestId("token-error")).toContainText("used already or has expired");
  expect(guestProblems).toEqual([]);
});

test("an admin emails a person a link to set their password", async ({ page, request }, info) => {
  const problems = watchConsole(page);
  const agent = await spareAgent(request, [(await spareAgent(request)).name]);
  await signIn(page, ADMIN);
  await page.goto("/admin/people");
  await settled(page);
  await page.getByTestId("people-search").fill(agent.name);
  await page.getByTestId("person-row").filter({ hasText: agent.name }).getByRole("button", { name: `Edit ${agent.name}` }).click();
  await page.getByTestId("send-password-link").click();
  await expect(page.getByTestId("password-link-sent")).toBeVisible();
  await shot(page, info, "people-link");
  const token = await emailedLink(agent.email);
  expect(token.length).toBeGreaterThan(20);
  expect(mailTo(agent.email).join("\n")).toContain("administrator");
  expect(problems).toEqual([]);
});

test("home ranks who needs attention, per team for a manager", async ({ newContext }, info) => {
  for (const viewport of [{ width: 1440, height: 900 }, { width: 375, height: 812 }]) {
    const page = await (await newContext({ viewport })).newPage();
    const problems = watchConsole(page);
    await signIn(page, emailOf("Grace Okafor"));
    await settled(page);
    const teams = page.getByTestId("attention-team");
    await expect(teams.first()).toBeVisible();
    const names = await teams.allTextContents();
    expect(names).toEqual(expect.arrayContaining(["Billing Support", "Technical Support"]));
    // Every agent listed says why.
    const rows = page.getByTestId("attention").locator("li");
    expect(await rows.count()).toBeGreaterThan(0);
    for (const row of await rows.all()) {
      await expect(row.locator(".chip").first()).toBeVisible();
    }
    await checkA11y(page, "manager-home");
    await shot(page, info, "manager-home");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    if (viewport.width > 1000) {
      // The agents list: a team column, and a team filter.
      await page.goto("/agents");
      await settled(page);
      await page.getByTestId("team-filter").selectOption({ label: "Technical Support" });
      await expect(page).toHaveURL(/\/agents\?team=/);
      const teamsShown = await page.getByTestId("agent-team").allTextContents();
      expect(teamsShown.length).toBeGreaterThan(0);
      expect(new Set(teamsShown)).toEqual(new Set(["Technical Support"]));
      await shot(page, info, "agents-by-team");
    }
    expect(problems).toEqual([]);
  }
});
