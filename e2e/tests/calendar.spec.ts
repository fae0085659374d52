// Journey: a team leader subscribes to their coaching sessions from a calendar app: makes a feed,
// copies its address (shown once), the calendar app reads it, a new address retires the old,
// and turning the feed off retires that too.
import { expect } from "@playwright/test";
import { checkA11y, LEADER, settled, shot, signIn, test, watchConsole } from "./helpers";

/// The path of a feed address (the server answers it at the test's base URL).
function pathOf(url: string): string {
  return new URL(url).pathname;
}

test("a team leader subscribes to a calendar feed, replaces it and turns it off", async ({ page, request }, info) => {
  const problems = watchConsole(page);
  await signIn(page, LEADER);
  await page.getByTestId("account").click();
  await settled(page);
  const card = page.getByTestId("calendar-feed");
  await expect(card.getByTestId("calendar-status")).toHaveText("You have no calendar feed.");

  await card.getByTestId("calendar-create").click();
  const first = await card.getByTestId("calendar-url").inputValue();
  expect(first).toMatch(/\/api\/v1\/calendar\/chc_[A-Za-z0-9_-]+\.ics$/);
  await expect(card.getByTestId("calendar-status")).toContainText("Your feed was made");
  await checkA11y(page, "account-calendar");
  await shot(page, info, "account-calendar");

  // What the calendar app reads: the leader's sessions, as iCalendar.
  const feed = await request.get(pathOf(first));
  expect(feed.status()).toBe(200);
  expect(feed.headers()["content-type"]).toBe("text/calendar; charset=utf-8");
  // Long lines are folded (RFC 5545, 3.1): unfold before reading.
  const text = (await feed.text()).replace(/\r\n[ \t]/g, "");
  expect(text).toContain("BEGIN:VCALENDAR");
  expect(text).toMatch(/SUMMARY:Coaching: .+ with Tomás Rivera/);

  await page.setViewportSize({ width: 375, height: 812 });
  await settled(page);
  await shot(page, info, "account-calendar");
  await page.setViewportSize({ width: 1440, height: 900 });

  // A new address stops the old one working.
  await card.getByTestId("calendar-replace").click();
  await expect(card.getByTestId("calendar-url")).not.toHaveValue(first);
  const second = await card.getByTestId("calendar-url").inputValue();
  expect((await request.get(pathOf(first))).status()).toBe(404);
  expect((await request.get(pathOf(second))).status()).toBe(200);

  // Once dismissed, the address is not shown again, even after a reload.
  await page.reload();
  await settled(page);
  await expect(card.getByTestId("calendar-url")).toHaveCount(0);
  await card.getByTestId("calendar-remove").click();
  await expect(card.getByTestId("calendar-status")).toHaveText("You have no calendar feed.");
  expect((await request.get(pathOf(second))).status()).toBe(404);
  expect(problems).toEqual([]);
});
