// Journeys: a team leader turns on two-step sign-in and signs in with a code, then with a
// recovery code; an admin requires it for managers, and a manager is walked through setting it up
// at sign-in.
import { expect, Page } from "@playwright/test";
import { ADMIN, apiToken, checkA11y, PASSWORD, settled, shot, signIn, test, totp, watchConsole } from "./helpers";

test.setTimeout(120_000);

/// A new person of `role` (an admin adds them through the API), so no other journey's people
/// change.
async function newPerson(request: import("@playwright/test").APIRequestContext, role: string): Promise<string> {
  const token = await apiToken(request, ADMIN);
  const email = `two.step.${role.toLowerCase()}.${Date.now()}@example.org`;
  const created = await request.post("/api/v1/users", {
    headers: { Authorization: `Bearer ${token}` },
    data: { email, name: `Two Step ${role === "MANAGER" ? "Manager" : "Leader"}`, role, password: PASSWORD },
  });
  expect(created.status()).toBe(201);
  // A password an admin gives is temporary: the person makes it theirs at the first sign-in.
  const first = await (await request.post("/api/v1/auth/login", { data: { email, password: PASSWORD } })).json();
  const own = await request.post("/api/v1/auth/new-password", { data: { token: first.new_password.token, new_password: PASSWORD } });
  expect(own.status()).toBe(200);
  return email;
}

async function passwordStep(page: Page, email: string): Promise<void> {
  await page.goto("/login");
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(PASSWORD);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("second-factor-code")).toBeVisible();
}

test("a team leader turns on two-step sign-in and signs in with a code, then a recovery code", async ({ page, request }, info) => {
  const problems = watchConsole(page, [/401/]);
  const email = await newPerson(request, "TEAM_LEADER");
  await signIn(page, email);
  await page.getByTestId("account").click();
  await settled(page);
  await expect(page.getByTestId("two-step-off")).toBeVisible();
  await page.getByTestId("two-step-start").click();
  await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
  const secret = (await page.getByTestId("enrolment-secret").textContent()) ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await checkA11y(page, "two-step-enrol");
  await shot(page, info, "two-step-enrol");
  await page.getByTestId("two-step-code").fill(totp(secret));
  await page.getByTestId("two-step-confirm").click();
  // The codes arrive with the server's answer: wait for them before reading them.
  await expect(page.getByTestId("recovery-codes").locator("code")).toHaveCount(10);
  const codes = await page.getByTestId("recovery-codes").locator("code").allTextContents();
  await shot(page, info, "two-step-codes");
  await page.getByTestId("recovery-codes-saved").click();
  await expect(page.getByTestId("two-step-on")).toBeVisible();

  // Sign in again: the password, then the app's next code.
  await page.getByTestId("sign-out").click();
  await passwordStep(page, email);
  await checkA11y(page, "two-step-challenge");
  await shot(page, info, "two-step-challenge");
  const signedInStep = Math.floor(Date.now() / 30_000);
  await page.getByTestId("second-factor-code").fill(totp(secret, 1));
  await page.getByTestId("second-factor-submit").click();
  await expect(page.getByTestId("sign-out")).toBeVisible();

  // A wrong code says so; a recovery code works once.
  await page.getByTestId("sign-out").click();
  await passwordStep(page, email);
  await page.getByTestId("second-factor-code").fill("000000");
  await page.getByTestId("second-factor-submit").click();
  await expect(page.getByRole("alert")).toContainText("not right");
  await page.getByTestId("second-factor-code").fill(codes[0]);
  await page.getByTestId("second-factor-submit").click();
  await expect(page.getByTestId("sign-out")).toBeVisible();
  await page.getByTestId("account").click();
  await expect(page.getByTestId("two-step")).toContainText("9 of 10 recovery codes left");

  // Turned off with a fresh code: the next sign-in asks for the password only.
  // A code is accepted once: wait for a step later than the one that signed in.
  const wait = (signedInStep + 1) * 30_000 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait + 250);
  await page.getByTestId("two-step-off-code").fill(totp(secret, 1));
  await page.getByTestId("two-step-turn-off").click();
  await expect(page.getByTestId("two-step-off")).toBeVisible();
  await page.getByTestId("sign-out").click();
  await signIn(page, email);
  expect(problems).toEqual([]);
});

test("an admin requires two-step sign-in for managers, and a manager sets it up at sign-in", async ({ page, newContext, request }, info) => {
  const problems = watchConsole(page);
  const email = await newPerson(request, "MANAGER");
  await signIn(page, ADMIN);
  await page.getByTestId("nav-admin").click();
  await settled(page);
  try {
    await page.getByTestId("require-MANAGER").check();
    await page.getByTestId("sign-in-security-save").click();
    await expect(page.getByTestId("sign-in-security")).toContainText("Saved.");
    await checkA11y(page, "admin-sign-in-security");
    await shot(page, info, "admin-sign-in-security");

    const manager = await (await newContext({ viewport: { width: 375, height: 812 } })).newPage();
    const managerProblems = watchConsole(manager);
    await passwordStep(manager, email);
    await expect(manager.getByTestId("enrolment")).toBeVisible();
    await checkA11y(manager, "two-step-required");
    await shot(manager, info, "two-step-required");
    const secret = (await manager.getByTestId("enrolment-secret").textContent()) ?? "";
    await manager.getByTestId("second-factor-code").fill(totp(secret));
    await manager.getByTestId("second-factor-submit").click();
    // Confirming writes the factor, ten recovery codes and an audit entry: slow on a busy machine.
    await expect(manager.getByTestId("recovery-codes").locator("code")).toHaveCount(10, { timeout: 15_000 });
    await manager.getByTestId("recovery-codes-saved").click();
    await expect(manager.getByTestId("sign-out")).toBeVisible();
    expect(managerProblems).toEqual([]);

    // The manager loses their phone: the admin removes the second factor from their record.
    await page.getByTestId("nav-admin").click();
    await page.getByRole("link", { name: "People" }).click();
    await settled(page);
    await page.getByTestId("people-search").fill("Two Step Manager");
    const row = page.getByTestId("person-row").filter({ hasText: email });
    await row.getByRole("button", { name: /^Edit/ }).click();
    await page.getByTestId("remove-second-factor").click();
    await expect(page.getByTestId("person-form")).toContainText("Two-step sign-in removed");
  } finally {
    const token = await apiToken(request, ADMIN);
    const reset = await request.put("/api/v1/settings/second-factor", {
      headers: { Authorization: `Bearer ${token}` },
      data: { roles: [] },
    });
    expect(reset.status()).toBe(200);
  }
  expect(problems).toEqual([]);
});
