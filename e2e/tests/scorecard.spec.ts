// Journey: an admin changes a KPI's weight from next month; last month's scores stay as they
// were, and the change shows as a new version.
import { expect } from "@playwright/test";
import { ADMIN, checkA11y, PASSWORD, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Hugo Laurent";

function month(offset: number): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

test("a weight changed from next month leaves last month's scores as they were", async ({ page, request }, info) => {
  const problems = watchConsole(page);
  const login = await request.post("/api/v1/auth/login", { data: { email: ADMIN, password: PASSWORD } });
  const auth = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const agents = await (await request.get("/api/v1/users?role=AGENT&limit=200", { headers: auth })).json();
  const agent = agents.items.find((u: { name: string }) => u.name === AGENT);
  const last = month(-1);
  const scoreOf = async () => {
    const card = await (await request.get(`/api/v1/agents/${agent.id}/scorecard?year=${last.slice(0, 4)}`, { headers: auth })).json();
    return card.months.find((m: { month: string }) => m.month === last).score as number;
  };
  const before = await scoreOf();
  expect(before).toBeGreaterThan(0);

  await signIn(page, ADMIN);
  await page.getByTestId("nav-admin").click();
  await page.getByRole("link", { name: "Scorecard" }).click();
  const weight = page.locator('[data-test-id^="weight-"]').first();
  const old = Number(await weight.inputValue());
  const changed = old >= 9 ? 1 : old + 1;
  await weight.fill(String(changed));
  await expect(page.getByTestId("effective-from")).toHaveValue(month(1));
  await page.getByTestId("weights-note").fill("More weight on quality from next month");
  // The preview scores last month both ways and saves nothing.
  await page.getByTestId("weights-preview").click();
  await expect(page.getByTestId("preview")).toContainText("with these weights");
  await expect(page.getByTestId("preview").locator("tbody tr").first()).toBeVisible();
  await checkA11y(page, "scorecard");
  await page.getByTestId("weights-save").click();
  await expect(page.getByTestId("weights-saved")).toBeVisible();
  await expect(page.getByTestId("versions").locator("li").first()).toContainText("More weight on quality from next month");
  await shot(page, info, "scorecard");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, info, "scorecard");

  const settings = await (await request.get("/api/v1/scorecard/config", { headers: auth })).json();
  expect(settings.configs[0].effective_from).toBe(month(1));
  expect(await scoreOf()).toBe(before);
  expect(problems).toEqual([]);
});
