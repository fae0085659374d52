// Journeys: the sessions, action items and notes lists narrow to one agent and a span of days and
// go back past four weeks; dates and numbers follow the browser's language.
import { expect } from "@playwright/test";
import { apiToken, checkA11y, dayFromNow, LEADER, settled, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Aiden Clarke";

test("sessions, items and notes narrow to an agent and days, and go back further", async ({ page, request }, info) => {
  test.setTimeout(90_000);
  const problems = watchConsole(page);
  const auth = { Authorization: `Bearer ${await apiToken(request, LEADER)}` };
  const agents = await (await request.get("/api/v1/users?role=AGENT&limit=200", { headers: auth })).json();
  const agent = agents.items.find((a: { name: string }) => a.name === AGENT);
  await signIn(page, LEADER);

  // Sessions: the list shows four weeks back by default, one agent's on request, and further back.
  await page.goto("/sessions");
  await page.getByTestId("list-view").click();
  await settled(page);
  await expect(page.getByTestId("sessions-from")).toHaveValue(dayFromNow(-28));
  await page.getByTestId("sessions-agent").selectOption({ label: AGENT });
  await settled(page);
  const who = await page.locator(".session-row .who").allTextContents();
  expect(who.length).toBeGreaterThan(0);
  expect(new Set(who)).toEqual(new Set([AGENT]));
  const recent = who.length;
  await page.getByTestId("sessions-earlier").click();
  await expect(page.getByTestId("sessions-from")).toHaveValue(dayFromNow(-56));
  await settled(page);
  expect(await page.locator(".session-row").count()).toBeGreaterThanOrEqual(recent);
  await checkA11y(page, "sessions-list");
  await shot(page, info, "sessions-list");
  await page.getByTestId("sessions-from").fill(dayFromNow(400));
  await expect(page.getByText("No session in this span.")).toBeVisible();
  await expect(page.getByText("Nothing booked.")).toBeVisible();

  // Action items: one agent's open items, as the API counts them.
  const open = async (status: string) =>
    (await (await request.get(`/api/v1/action-items?agent_id=${agent.id}&status=${status}&limit=200`, { headers: auth })).json()).items.length;
  await page.goto("/items");
  await settled(page);
  await page.getByTestId("items-agent").selectOption({ label: AGENT });
  await settled(page);
  await expect(page.getByTestId("column-pending").getByTestId("item-card")).toHaveCount(await open("PENDING"));
  await expect(page.getByTestId("column-in_progress").getByTestId("item-card")).toHaveCount(await open("IN_PROGRESS"));
  await page.getByTestId("items-from").fill(dayFromNow(400));
  await expect(page.getByTestId("column-pending").getByText("Nothing here.")).toBeVisible();
  await shot(page, info, "items-narrowed");

  // Notes: those written from a day on, and older ones a page at a time.
  await page.goto("/notes");
  await settled(page);
  const everything = await page.getByTestId("note-row").count();
  expect(everything).toBeGreaterThan(0);
  await page.getByTestId("notes-from").fill(dayFromNow(1));
  await expect(page.getByText("No notes match.")).toBeVisible();
  await page.getByTestId("notes-from").fill("");
  await page.getByTestId("notes-agent").selectOption({ label: AGENT });
  await settled(page);
  const theirs = (await (await request.get(`/api/v1/quick-notes?agent_id=${agent.id}&limit=200`, { headers: auth })).json()).items.length;
  // A page is 200 notes: the demo's fit on one, and nothing older is offered.
  expect(theirs).toBeGreaterThan(0);
  await expect(page.getByTestId("note-row")).toHaveCount(theirs);
  await expect(page.getByTestId("notes-older")).toHaveCount(0);
  await checkA11y(page, "notes-narrowed");
  await shot(page, info, "notes-narrowed");

  // On a phone: the filters stack above the list, and nothing scrolls sideways.
  await page.setViewportSize({ width: 375, height: 812 });
  for (const [path, name] of [["/notes", "notes-narrowed"], ["/items", "items-narrowed"]]) {
    await page.goto(path);
    await settled(page);
    await shot(page, info, name);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  }
  await page.goto("/sessions");
  await page.getByTestId("list-view").click();
  await settled(page);
  await shot(page, info, "sessions-list");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  expect(problems).toEqual([]);
});

test("dates follow the browser's language", async ({ newContext }, info) => {
  const context = await newContext({ locale: "en-US" });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await signIn(page, LEADER);
  await page.goto("/sessions");
  await settled(page);
  const heading = await page.getByRole("heading", { name: /^Week of / }).textContent();
  // Monday of this week, written as an American browser writes it ("Dec 7").
  const expected = await page.evaluate(() => {
    const day = new Date();
    day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
    const utc = Date.UTC(day.getFullYear(), day.getMonth(), day.getDate());
    return new Intl.DateTimeFormat([], { day: "numeric", month: "short", timeZone: "UTC" }).format(utc);
  });
  expect(expected).toMatch(/^[A-Z][a-z]+ \d+$/);
  expect(heading).toBe(`Week of ${expected}`);
  await shot(page, info, "week-en-us");
  expect(problems).toEqual([]);
});
