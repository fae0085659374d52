// Journey: an admin adds a person, deactivates an agent (whose open browser is signed out at
// once) and reactivates them, publishes an announcement, erases the newcomer (a data-subject
// request), and reads and verifies the audit log.
import { expect } from "@playwright/test";
import { ADMIN, checkA11y, emailOf, PASSWORD, settled, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Farah Haddad";

test.setTimeout(120_000);

test("an admin manages people, announces, and checks the audit log", async ({ newContext }, info) => {
  // The agent is signed in on their own device.
  const agent = await (await newContext()).newPage();
  const agentProblems = watchConsole(agent, [/401/, /WebSocket/]);
  await signIn(agent, emailOf(AGENT));
  await settled(agent);

  const page = await (await newContext()).newPage();
  const problems = watchConsole(page);
  await signIn(page, ADMIN);
  await page.getByTestId("nav-admin").click();
  await checkA11y(page, "admin");
  await page.getByRole("link", { name: "People" }).click();
  await settled(page);

  // A new agent, with the temporary password the form proposes.
  const name = `Noor Test ${Date.now()}`;
  const email = `noor.${Date.now()}@example.org`;
  await page.getByTestId("add-person").click();
  await page.getByTestId("person-name").fill(name);
  await page.getByTestId("person-email").fill(email);
  await page.getByTestId("person-team").selectOption({ label: "Billing Support" });
  const temporary = await page.getByTestId("person-password").inputValue();
  expect(temporary).toHaveLength(16);
  await checkA11y(page, "people-add");
  await page.getByTestId("person-save").click();
  await expect(page.getByTestId("person-form")).toHaveCount(0);
  await page.getByTestId("people-search").fill("Noor Test");
  await expect(page.getByTestId("person-row").filter({ hasText: name })).toContainText("Billing Support");
  const newcomer = await (await newContext()).newPage();
  await newcomer.goto("/login");
  await newcomer.getByTestId("email").fill(email);
  await newcomer.getByTestId("password").fill(temporary);
  await newcomer.getByTestId("sign-in").click();
  // A temporary password is replaced before the sign-in completes.
  await expect(newcomer.getByTestId("new-password-form")).toBeVisible();
  await expect(newcomer.getByTestId("password-rules")).toContainText("12");
  await newcomer.getByTestId("new-password").fill("short");
  await newcomer.getByTestId("new-password-again").fill("short");
  await newcomer.getByTestId("set-password").click();
  await expect(newcomer.getByTestId("new_password-error")).toHaveText("Use at least 12 characters");
  await checkA11y(newcomer, "new-password");
  await shot(newcomer, info, "new-password");
  await newcomer.getByTestId("new-password").fill("my own long passphrase");
  await newcomer.getByTestId("new-password-again").fill("my own long passphrase");
  await newcomer.getByTestId("set-password").click();
  await expect(newcomer.getByTestId("signed-in-as")).toHaveText(name);

  // A new temporary password signs the newcomer out, and lets them in again.
  await page.getByTestId("person-row").filter({ hasText: name }).getByRole("button", { name: `Edit ${name}` }).click();
  await page.getByTestId("reset-password").click();
  const reissued = (await page.getByTestId("temporary-password").textContent()) ?? "";
  expect(reissued).toHaveLength(16);
  await expect(newcomer.getByTestId("sign-in")).toBeVisible();
  await newcomer.getByTestId("email").fill(email);
  await newcomer.getByTestId("password").fill(reissued);
  await newcomer.getByTestId("sign-in").click();
  await newcomer.getByTestId("new-password").fill("another long passphrase");
  await newcomer.getByTestId("new-password-again").fill("another long passphrase");
  await newcomer.getByTestId("set-password").click();
  await expect(newcomer.getByTestId("signed-in-as")).toHaveText(name);
  await page.getByTestId("person-form").getByRole("button", { name: "Cancel" }).click();

  // Deactivating the agent signs their open browser out.
  await page.getByTestId("people-search").fill(AGENT);
  const row = page.getByTestId("person-row").filter({ hasText: AGENT });
  await row.getByRole("button", { name: `Deactivate ${AGENT}` }).click();
  await expect(row).toContainText("Deactivated");
  await expect(agent.getByTestId("sign-in")).toBeVisible();
  await expect(agent).toHaveURL(/\/login/);
  await shot(page, info, "people");
  await page.getByTestId("people-search").fill(AGENT);
  await page.locator("#people-state").selectOption("");
  await page.getByTestId("person-row").filter({ hasText: AGENT }).getByRole("button", { name: `Reactivate ${AGENT}` }).click();
  await expect(page.getByTestId("person-row").filter({ hasText: AGENT })).toContainText("Active");
  await checkA11y(page, "people");

  // A new team, led by an existing team leader with a manager; the newcomer moves into it.
  const team = `Night Shift ${Date.now()}`;
  await page.getByTestId("nav-admin").click();
  await page.getByRole("link", { name: "Teams" }).click();
  await page.getByTestId("add-team").click();
  await page.getByTestId("team-name").fill(team);
  await page.getByTestId("team-leader").selectOption({ label: "Priya Natarajan" });
  await page.getByTestId("team-manager").selectOption({ label: "Henrik Lund" });
  await page.getByTestId("team-save").click();
  const teamRow = page.getByTestId("team-row").filter({ hasText: team });
  await expect(teamRow).toContainText("Priya Natarajan");
  await expect(teamRow).toContainText("Henrik Lund");
  await teamRow.getByRole("button", { name: `Change ${team}` }).click();
  await page.getByTestId("team-form").getByLabel(name).check();
  await checkA11y(page, "teams");
  await shot(page, info, "teams");
  await page.getByTestId("team-save").click();
  await expect(teamRow.locator("td").nth(2)).toHaveText("1");

  // An announcement to everyone.
  await page.getByTestId("nav-admin").click();
  await page.getByRole("link", { name: "Announcements" }).click();
  const headline = `Team huddle moves to 9:30 ${Date.now()}`;
  await page.getByTestId("announce-title").fill(headline);
  await page.getByTestId("announce-body").fill("From Monday, the daily huddle starts at 9:30.");
  await page.getByTestId("announce-send").click();
  await expect(page.getByTestId("announcements")).toContainText(headline);
  // It pops up here too, as for everyone online; closed, it stays in the bell.
  await expect(page.getByTestId("announcement")).toContainText(headline);
  await page.getByRole("button", { name: "Close the announcement" }).click();
  await checkA11y(page, "announcements");
  await shot(page, info, "announcements");

  // A data-subject request: the newcomer is erased, asked twice; their open browser is signed
  // out and the list no longer holds their name or email.
  await page.getByTestId("nav-admin").click();
  await page.getByRole("link", { name: "People" }).click();
  await settled(page);
  await page.getByTestId("people-search").fill("Noor Test");
  await page.getByTestId("person-row").filter({ hasText: name }).getByRole("button", { name: `Edit ${name}` }).click();
  await page.getByTestId("erase-person").click();
  await expect(page.getByTestId("erase-confirm")).toContainText("cannot be undone");
  await checkA11y(page, "people-erase");
  await shot(page, info, "people-erase");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, info, "people-erase");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId("erase-person-confirm").click();
  await expect(page.getByTestId("person-form")).toHaveCount(0);
  await expect(page.getByTestId("person-row").filter({ hasText: name })).toHaveCount(0);
  await expect(page.getByText(email)).toHaveCount(0);
  await expect(newcomer.getByTestId("sign-in")).toBeVisible();

  // The audit log names the deactivation, with what changed, and the chain holds.
  await page.getByTestId("nav-admin").click();
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByTestId("audit-kind").selectOption("user");
  const entry = page.getByTestId("audit-entry").filter({ hasText: "user deactivate" }).first();
  await entry.locator("summary").click();
  await expect(entry.locator("table.diff")).toContainText("active");
  await page.getByTestId("verify-chain").first().click();
  await expect(page.getByTestId("chain-status").first()).toContainText("Intact");
  // A record is found by its whole id: part of one is pointed out, not sent.
  const recordId = page.getByLabel("Record id");
  await recordId.fill("0f8e3c1a");
  await expect(page.getByTestId("audit-record-hint")).toBeVisible();
  await expect(page.getByText("No change matches.")).toBeVisible();
  await shot(page, info, "audit-record-hint");
  await recordId.fill("");
  await expect(page.getByTestId("audit-record-hint")).toHaveCount(0);
  await expect(entry).toBeVisible();
  await checkA11y(page, "audit");
  await shot(page, info, "audit");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, info, "audit");

  // The admin's home: the teams side by side, and the audit summary.
  await page.goto("/");
  await expect(page.getByTestId("teams-overview")).toContainText("Billing Support");
  await settled(page);
  await checkA11y(page, "admin-home");
  await shot(page, info, "admin-home");
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, info, "admin-home");

  expect(problems).toEqual([]);
  expect(agentProblems).toEqual([]);
});
