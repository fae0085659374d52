// Journey: a team leader writes a session template for their team (focus areas, agenda, length,
// an action item), then plans a session from it: the wizard fills in what the template holds, and
// the booked session carries the template's action item.
import { expect } from "@playwright/test";
import { checkA11y, dayFromNow, LEADER, settled, shot, signIn, test, watchConsole } from "./helpers";

test("a team leader writes a template and plans a session from it", async ({ page }, info) => {
  test.setTimeout(90_000);
  // The blank name below is refused by the server on purpose.
  const problems = watchConsole(page, [/status of 422/]);
  await signIn(page, LEADER);
  await page.getByTestId("nav-sessions").first().click();
  await page.getByTestId("session-templates").click();
  await expect(page.getByRole("heading", { name: "Session templates" })).toBeVisible();
  await settled(page);

  // A blank name is refused at its field (the browser itself keeps the days between 1 and 365).
  await page.getByTestId("template-new").click();
  await page.getByTestId("template-add-item").click();
  await page.getByTestId("template-item-title").fill("Shadow a senior agent for an hour");
  await page.getByTestId("template-name").fill(" ");
  await page.getByTestId("template-save").click();
  await expect(page.locator("#name-error")).toContainText("blank");

  await page.getByTestId("template-name").fill("Call control clinic");
  await page.getByTestId("template-focus").fill("Quality score, Call control");
  await page.getByTestId("template-agenda").fill("1. Listen to two calls together\n2. Agree one change");
  await page.getByTestId("template-duration").selectOption("30");
  await page.getByTestId("template-item-days").fill("7");
  await checkA11y(page, "templates-form");
  await shot(page, info, "templates-form");
  await page.getByTestId("template-save").click();
  const row = page.getByTestId("template-row").filter({ hasText: "Call control clinic" });
  await expect(row).toContainText("30 min");
  await expect(row).toContainText("1 action item");
  await checkA11y(page, "templates");
  await page.setViewportSize({ width: 375, height: 812 });
  await settled(page);
  await shot(page, info, "templates");
  await page.setViewportSize({ width: 1440, height: 900 });

  // Plan a session from it.
  await page.goto("/sessions/new");
  await page.getByTestId("plan-agent").selectOption({ index: 1 });
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("plan-template").selectOption({ label: "Call control clinic" });
  await expect(page.getByTestId("focus-quality_score")).toBeChecked();
  await expect(page.locator("#other-focus")).toHaveValue("Call control");
  await expect(page.locator("#preparation")).toHaveValue(/Listen to two calls together/);
  await expect(page.getByTestId("item-title")).toHaveValue("Shadow a senior agent for an hour");
  await checkA11y(page, "wizard-template");
  await shot(page, info, "wizard-template");
  await page.getByTestId("wizard-next").click();
  await expect(page.getByTestId("slot-duration")).toHaveValue("30");
  await page.getByTestId("slot-date").fill(dayFromNow(24));
  await page.getByTestId("slot-time").fill("06:15");
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("book-session").click();
  await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("item-card")).toHaveCount(1);
  await expect(page.getByTestId("item-card")).toContainText("Shadow a senior agent for an hour");

  // The template can go.
  await page.goto("/sessions/templates");
  await page.getByRole("button", { name: "Delete Call control clinic" }).click();
  await expect(page.getByTestId("template-row").filter({ hasText: "Call control clinic" })).toHaveCount(0);
  expect(problems).toEqual([]);
});
