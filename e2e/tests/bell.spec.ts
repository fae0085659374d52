// Notifications: an item assigned in another browser context raises the agent's bell count
// live, the bell lists it and marks it read; an announcement shows as a toast to everyone online.
import { expect, APIRequestContext } from "@playwright/test";
import { ADMIN, checkA11y, emailOf, LEADER, PASSWORD, settled, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Elif Yilmaz";

async function bearer(request: APIRequestContext, email: string): Promise<Record<string, string>> {
  const login = await request.post("/api/v1/auth/login", { data: { email, password: PASSWORD } });
  expect(login.ok()).toBeTruthy();
  return { Authorization: `Bearer ${(await login.json()).access_token}` };
}

test("the bell counts an item assigned in another browser and an announcement pops up", async ({ newContext, request }, info) => {
  const page = await (await newContext()).newPage();
  const problems = watchConsole(page);
  await signIn(page, emailOf(AGENT));
  await settled(page);
  // Start from nothing unread, so the count below is this test's item alone.
  await page.getByTestId("bell").click();
  const markAll = page.getByTestId("mark-all-read");
  if (await markAll.isEnabled()) await markAll.click();
  await expect(page.getByTestId("bell-count")).toHaveCount(0);
  await page.getByTestId("bell").click();

  // The team leader, in another context, assigns the agent an item.
  const leader = await bearer(request, LEADER);
  const agents = await (await request.get("/api/v1/users?role=AGENT&limit=200", { headers: leader })).json();
  const agent = agents.items.find((u: { name: string }) => u.name === AGENT);
  const title = `Bell: recap the refund policy ${Date.now()}`;
  const due = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const created = await request.post("/api/v1/action-items", {
    headers: leader,
    data: { title, assignee_id: agent.id, due_date: due, priority: "HIGH" },
  });
  expect(created.status()).toBe(201);

  // No reload: the count arrives with the live event.
  await expect(page.getByTestId("bell-count")).toHaveText("1");
  await expect(page.getByTestId("bell")).toHaveAttribute("aria-label", "Notifications, 1 unread");
  await page.getByTestId("bell").click();
  await expect(page.getByTestId("notification").first()).toContainText(title);
  await checkA11y(page, "bell");
  await shot(page, info, "bell");
  await page.getByTestId("mark-all-read").click();
  await expect(page.getByTestId("bell-count")).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("inbox")).toHaveCount(0);

  // An admin publishes an announcement: it shows on the open page and stays in the bell.
  const admin = await bearer(request, ADMIN);
  const headline = `Quality week starts Monday ${Date.now()}`;
  const published = await request.post("/api/v1/announcements", {
    headers: admin,
    data: { title: headline, body: "Every team leader coaches two calls a day." },
  });
  expect(published.status()).toBe(201);
  await expect(page.getByTestId("announcement")).toContainText(headline);
  await expect(page.getByTestId("bell-count")).toHaveText("1");
  await checkA11y(page, "announcement");
  await shot(page, info, "announcement");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, info, "announcement");
  await page.getByRole("button", { name: "Close the announcement" }).click();
  await expect(page.getByTestId("announcement")).toHaveCount(0);
  await page.getByTestId("bell").click();
  await expect(page.getByTestId("notification").first()).toContainText(headline);
  await shot(page, info, "bell");

  expect(problems).toEqual([]);
});
