// Journey: a person signs in through the page, the session survives a reload, sign-out ends it;
// wrong credentials say so and leave no session.
import { expect } from "@playwright/test";
import { ADMIN, checkA11y, PASSWORD, shot, test, watchConsole } from "./helpers";

test("the demo admin signs in, reloads, and signs out", async ({ page }, info) => {
  const problems = watchConsole(page, [/status of 401/]);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await checkA11y(page, "sign-in");
  await shot(page, info, "sign-in");

  await page.getByTestId("email").fill(ADMIN);
  await page.getByTestId("password").fill(PASSWORD);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Ada Admin");
  await expect(page.getByTestId("home-ready")).toBeVisible();
  await checkA11y(page, "admin-home");

  // The session survives a reload: it lives in the httpOnly cookie, not in the page.
  await page.reload();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Ada Admin");

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);
  expect(problems).toEqual([]);
});

test("a wrong password shows an error and no session", async ({ page }) => {
  const problems = watchConsole(page, [/status of 401/]);
  await page.goto("/login");
  await page.getByTestId("email").fill(ADMIN);
  await page.getByTestId("password").fill("not-the-password");
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("error")).toContainText("email or password is incorrect");
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  expect(problems).toEqual([]);
});

test("a deep link survives signing in", async ({ page }) => {
  watchConsole(page);
  await page.goto("/items");
  await expect(page).toHaveURL(/\/login\?next=\/items$/);
  await page.getByTestId("email").fill(ADMIN);
  await page.getByTestId("password").fill(PASSWORD);
  await page.getByTestId("sign-in").click();
  await expect(page).toHaveURL(/\/items$/);
  await expect(page.getByTestId("board")).toBeVisible();
});
