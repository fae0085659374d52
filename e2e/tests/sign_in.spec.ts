// Journey: a person signs in through the page and sees who they are.
import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

const DEMO_ADMIN = "admin@demo.coaching-hub.example";
const DEMO_PASSWORD = "coaching-hub-demo";

test("the demo admin signs in and sees their name", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  const signIn = await new AxeBuilder({ page }).analyze();
  expect(signIn.violations).toEqual([]);

  await page.getByTestId("email").fill(DEMO_ADMIN);
  await page.getByTestId("password").fill(DEMO_PASSWORD);
  await page.getByTestId("sign-in").click();

  await expect(page.getByTestId("welcome")).toHaveText("Welcome, Ada Admin");
  await expect(page.getByTestId("role")).toHaveText("Admin");
  const home = await new AxeBuilder({ page }).analyze();
  expect(home.violations).toEqual([]);
  await page.screenshot({ path: "test-results/signed-in.png", fullPage: true });

  // The session survives a reload: it lives in the httpOnly cookie, not in the page.
  await page.reload();
  await expect(page.getByTestId("welcome")).toHaveText("Welcome, Ada Admin");

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);
});

test("a wrong password shows an error and no session", async ({ page }) => {
  await page.goto("/login");
  await page.getByTestId("email").fill(DEMO_ADMIN);
  await page.getByTestId("password").fill("not-the-password");
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("error")).toContainText("email or password is incorrect");
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});
