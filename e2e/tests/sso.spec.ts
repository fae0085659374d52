// Journey: a team leader signs in with single sign-on at the organisation's provider (a real
// OpenID Connect provider on loopback, e2e/oidc-provider.mjs), and someone the provider knows
// but this site does not is told so and signed in as nobody.
import { expect } from "@playwright/test";
import { checkA11y, LEADER, shot, test, watchConsole } from "./helpers";

const PROVIDER = `http://127.0.0.1:${process.env.E2E_OIDC_PORT ?? 18090}`;
const STRANGER = "stranger@elsewhere.example";

test.beforeAll(async ({ request }) => {
  for (const account of [
    { sub: "idp-tomas", email: LEADER, email_verified: true, name: "Tomás Rivera" },
    { sub: "idp-stranger", email: STRANGER, email_verified: true, name: "A Stranger" },
  ]) {
    const registered = await request.post(`${PROVIDER}/__test/accounts`, { data: account });
    expect(registered.status()).toBe(204);
  }
});

/// From the sign-in page through the provider's own page, as `email`.
async function throughTheProvider(page: import("@playwright/test").Page, email: string) {
  await page.getByTestId("sso").click();
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
}

test("a team leader signs in with SSO", async ({ page }, info) => {
  const problems = watchConsole(page);
  await page.goto("/login");
  await expect(page.getByTestId("sso")).toHaveText("Sign in with SSO");
  await checkA11y(page, "sign-in-sso");
  await shot(page, info, "sign-in-sso");

  await throughTheProvider(page, LEADER);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Tomás Rivera");
  await expect(page.getByTestId("home-ready")).toBeVisible();
  await expect(page).toHaveURL(/:\d+\/$/);
  // The same cookie session as a password sign-in: it survives a reload.
  await page.reload();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Tomás Rivera");
  // The spent code's address was replaced: going back shows the sign-in form, not an error.
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("error")).toHaveCount(0);
  expect(problems).toEqual([]);
});

test("someone the provider knows but this site does not is refused, on a phone", async ({ page }, info) => {
  const problems = watchConsole(page, [/status of 401/]);
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto("/login");
  await shot(page, info, "sign-in-sso");
  await throughTheProvider(page, STRANGER);
  await expect(page.getByTestId("error")).toContainText("no active account here has the email");
  await expect(page).toHaveURL(/\/login$/);
  await checkA11y(page, "sign-in-sso-refused");
  await shot(page, info, "sign-in-sso-refused");
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  expect(problems).toEqual([]);
});
