// Journey: an admin registers a webhook for the BI tool (a plain-http address elsewhere is refused
// at its field), copies the signing secret shown once, sees a change arrive signed at the
// receiver and listed as delivered, turns the endpoint off and removes it.
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { createHmac } from "node:crypto";
import { expect } from "@playwright/test";
import { ADMIN, apiToken, checkA11y, settled, shot, signIn, test, watchConsole } from "./helpers";

type Received = { headers: http.IncomingHttpHeaders; body: string };

test("an admin registers a webhook, sees a signed delivery and removes it", async ({ page, request }, info) => {
  test.setTimeout(90_000);
  const received: Received[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ready) => receiver.listen(0, "127.0.0.1", ready));
  const port = (receiver.address() as AddressInfo).port;

  // The remote plain-http address below is refused by the server on purpose.
  const problems = watchConsole(page, [/status of 422/]);
  await signIn(page, ADMIN);
  await page.goto("/admin");
  await page.getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  await settled(page);
  await expect(page.getByTestId("no-webhooks")).toBeVisible();

  await page.getByTestId("webhook-url").fill("http://bi.example.com/hook");
  await page.getByTestId("webhook-create").click();
  await expect(page.locator("#url-error")).toContainText("https://");

  await page.getByTestId("webhook-url").fill(`http://127.0.0.1:${port}/hook`);
  await page.getByTestId("webhook-description").fill("Power BI refresh");
  await page.getByTestId("webhook-event-announcement_published").check();
  await page.getByTestId("webhook-create").click();
  const secret = await page.getByTestId("webhook-secret").inputValue();
  expect(secret).toMatch(/^whsec_/);
  const row = page.getByTestId("webhook-row").filter({ hasText: "Power BI refresh" });
  await expect(row).toContainText("On");
  await expect(row).toContainText("Sessions, Announcements");

  // A change arrives, signed with that secret.
  const token = await apiToken(request, ADMIN);
  const announced = await request.post("/api/v1/announcements", {
    headers: { Authorization: `Bearer ${token}` },
    data: { title: "Quality calibration on Friday", body: "Bring two calls each." },
  });
  expect(announced.status()).toBe(201);
  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
  const [delivery] = received;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const signed = `${delivery.headers["webhook-id"]}.${delivery.headers["webhook-timestamp"]}.${delivery.body}`;
  const expected = createHmac("sha256", key).update(signed).digest("base64");
  expect(delivery.headers["webhook-signature"]).toBe(`v1,${expected}`);
  expect(JSON.parse(delivery.body).type).toBe("announcement_published");

  await expect(async () => {
    await page.reload();
    await page.getByTestId("webhook-deliveries").click();
    await expect(page.getByTestId("delivery-row").first()).toContainText("Delivered", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId("delivery-row")).toHaveCount(1);
  await expect(page.getByTestId("delivery-row")).toContainText("Announcements");
  await checkA11y(page, "webhooks");
  await shot(page, info, "webhooks");
  await page.setViewportSize({ width: 375, height: 812 });
  await settled(page);
  await shot(page, info, "webhooks");
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByTestId("webhook-toggle").click();
  await expect(row).toContainText("Off");
  await page.getByRole("button", { name: `Remove http://127.0.0.1:${port}/hook` }).click();
  await expect(page.getByTestId("no-webhooks")).toBeVisible();
  receiver.close();
  expect(problems).toEqual([]);
});
