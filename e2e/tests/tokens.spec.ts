// Journey: a team leader makes a personal access token for a script, sees it once, the script
// reads with it and is refused a write, the leader downloads their data and revokes the token.
import * as fs from "node:fs";
import { expect } from "@playwright/test";
import { checkA11y, LEADER, settled, shot, signIn, test, watchConsole } from "./helpers";

test("a team leader makes, uses and revokes a personal access token", async ({ page, request }, info) => {
  const problems = watchConsole(page);
  await signIn(page, LEADER);
  await page.getByTestId("account").click();
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await settled(page);
  await expect(page.getByTestId("no-tokens")).toBeVisible();
  // A leader may read and coach; administration and imports are not offered.
  await expect(page.getByTestId("token-scope-admin")).toHaveCount(0);
  await expect(page.getByTestId("token-scope-metrics:import")).toHaveCount(0);
  await expect(page.getByTestId("token-scope-read")).toBeChecked();

  await page.getByTestId("token-name").fill("Weekly report script");
  await page.getByTestId("token-days").selectOption("30");
  await page.getByTestId("token-create").click();
  const secret = await page.getByTestId("token-secret").inputValue();
  expect(secret).toMatch(/^chp_/);
  // "Copy" puts it on the clipboard.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByTestId("token-secret-box").getByTestId("copy").click();
  await expect(page.getByTestId("token-secret-box").getByRole("status").last()).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  const row = page.getByTestId("token-row").filter({ hasText: "Weekly report script" });
  await expect(row).toContainText("read");
  await expect(row).toContainText("never used");
  await checkA11y(page, "account");
  await shot(page, info, "account");

  // The script reads as the leader, and may not write.
  const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).user.email).toBe(LEADER);
  const write = await request.post("/api/v1/quick-notes", {
    headers: { Authorization: `Bearer ${secret}` },
    data: { agent_id: (await me.json()).user.id, content: "x", category: "OTHER", visibility: "SHARED" },
  });
  expect(write.status()).toBe(403);

  // Seen as used; once dismissed the secret is gone from the page.
  await page.reload();
  await expect(page.getByTestId("token-row").filter({ hasText: "Weekly report script" })).toContainText("last used");
  await expect(page.getByTestId("token-secret")).toHaveCount(0);

  await page.setViewportSize({ width: 375, height: 812 });
  await settled(page);
  await shot(page, info, "account");
  await page.setViewportSize({ width: 1440, height: 900 });

  // Everything held about them, in one file.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-my-data").click()]);
  const exported = JSON.parse(fs.readFileSync((await download.path()) ?? "", "utf8"));
  expect(exported.person.email).toBe(LEADER);
  expect(exported.access_tokens).toHaveLength(1);
  expect(JSON.stringify(exported)).not.toContain(secret);

  await page.getByRole("button", { name: "Revoke Weekly report script" }).click();
  await expect(page.getByTestId("no-tokens")).toBeVisible();
  const after = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
  expect(problems).toEqual([]);
});
