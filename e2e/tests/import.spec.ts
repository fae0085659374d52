// Journey: an admin imports a metrics CSV with a bad row and sees the row named (nothing is
// written), fixes the file and imports it with the progress bar reaching the end, and the agent's
// score chart shows the new month.
import { expect } from "@playwright/test";
import { ADMIN, checkA11y, emailOf, PASSWORD, settled, shot, signIn, test, watchConsole } from "./helpers";

const AGENT = "Gabriel Silva";

test.setTimeout(120_000);

function month(offset: number): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

test("an admin fixes a bad row, imports a month, and the chart shows it", async ({ page, request }, info) => {
  const problems = watchConsole(page, [/422/]);
  // The agent's last month as the export writes it, moved to this month.
  const login = await request.post("/api/v1/auth/login", { data: { email: ADMIN, password: PASSWORD } });
  const auth = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const last = month(-1);
  const exported = await (await request.get(`/api/v1/metrics/export.csv?from=${last}&to=${last}`, { headers: auth })).text();
  const lines = exported.trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const row = lines.find((line) => line.includes(emailOf(AGENT)));
  expect(row).toBeTruthy();
  const cells = row!.split(",");
  cells[header.indexOf("month")] = month(0);
  const good = `${lines[0]}\n${cells.join(",")}\n`;
  const badCells = [...cells];
  badCells[header.indexOf("month") + 1] = "lots";
  const bad = `${lines[0]}\n${badCells.join(",")}\n`;

  await signIn(page, ADMIN);
  // Before: no score this month.
  await page.goto("/agents");
  await page.getByRole("link", { name: AGENT }).first().click();
  await settled(page);
  const numbers = page.locator("details.numbers").first();
  await numbers.locator("summary").click();
  await expect(numbers.locator("tbody tr").last().locator("td").first()).toHaveText("—");

  await page.getByTestId("nav-admin").click();
  await page.getByRole("link", { name: "Metrics files" }).click();
  await page.getByTestId("import-file").setInputFiles({ name: "metrics.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await expect(page.getByTestId("bad-rows")).toContainText("line 2");
  await expect(page.getByTestId("bad-rows")).toContainText("lots");
  await checkA11y(page, "import-bad-rows");
  await shot(page, info, "import-bad-rows");

  await page.getByTestId("import-file").setInputFiles({ name: "metrics.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  const done = page.getByTestId("import-done");
  await expect(done).toContainText("Imported 1 row: 1 month added");
  await expect(done.locator("progress")).toHaveAttribute("value", "1");
  await expect(done.locator("progress")).toHaveAttribute("max", "1");
  await expect(page.getByTestId("bad-rows")).toHaveCount(0);
  await checkA11y(page, "import");
  await shot(page, info, "import");
  await page.setViewportSize({ width: 375, height: 812 });
  await shot(page, info, "import");
  await page.setViewportSize({ width: 1440, height: 900 });

  // After: this month has a score on the agent's chart.
  await page.goto("/agents");
  await page.getByRole("link", { name: AGENT }).first().click();
  await settled(page);
  await numbers.locator("summary").click();
  await expect(numbers.locator("tbody tr").last().locator("td").first()).not.toHaveText("—");
  await expect(numbers.locator("tbody tr").last().locator("td").first()).toHaveText(/\d/);

  expect(problems).toEqual([]);
});
