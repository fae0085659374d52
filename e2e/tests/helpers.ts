// Shared steps of the browser journeys: signing in, accessibility checks, console watching and
// screenshots kept as artifacts (test-results/screens/).
import { createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { APIRequestContext, BrowserContext, BrowserContextOptions, expect, Page, test as base, TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/// Opens another browser (a context of its own: its own cookies, storage and live connection).
export type NewContext = (options?: BrowserContextOptions) => Promise<BrowserContext>;

/// Playwright's `test` with `newContext`: every browser a journey opens is closed when it ends,
/// so no signed-in page of an earlier journey keeps running (and loading the machine) behind the
/// next one.
export const test = base.extend<{ newContext: NewContext }>({
  newContext: async ({ browser }, use) => {
    const opened: BrowserContext[] = [];
    await use(async (options) => {
      const context = await browser.newContext(options);
      opened.push(context);
      return context;
    });
    await Promise.all(opened.map((context) => context.close()));
  },
});

export const PASSWORD = "coaching-hub-demo";
export const DOMAIN = "demo.coaching-hub.example";
export const ADMIN = `admin@${DOMAIN}`;
export const LEADER = `tomas.rivera@${DOMAIN}`;

/// The demo login of a person by name ("Aiden Clarke" -> aiden.clarke@...).
export function emailOf(name: string): string {
  return `${name.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ /g, ".")}@${DOMAIN}`;
}

/// Collects console errors and warnings; `allow` lists messages a journey expects (a refused
/// request the browser reports on its own).
export function watchConsole(page: Page, allow: RegExp[] = []): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error" && message.type() !== "warning") return;
    const text = message.text();
    if (allow.some((pattern) => pattern.test(text))) return;
    problems.push(`${message.type()}: ${text}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto("/login");
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(PASSWORD);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("sign-out")).toBeVisible();
}

/// No serious or critical axe violation on the page as it is now.
/** Waits until every part of the page has its answer: nothing says "Loading…" any more. (Not
 * Playwright's `networkidle`, which its own documentation calls unreliable and which hung once
 * here after a client-side navigation.) */
export async function settled(page: Page): Promise<void> {
  await expect(page.getByText("Loading…")).toHaveCount(0);
}

export async function checkA11y(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/// A full-page screenshot named for the page and the viewport.
export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const size = page.viewportSize();
  const tag = size && size.width < 600 ? "phone" : "laptop";
  const path = `test-results/screens/${name}-${tag}.png`;
  await page.screenshot({ path, fullPage: true });
  await info.attach(`${name}-${tag}`, { path, contentType: "image/png" });
}

/// A day `days` from now, as the date input wants it (YYYY-MM-DD, local).
export function dayFromNow(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/// The code an authenticator app with the base32 `secret` shows `offsetSteps` 30-second steps
/// from now (RFC 6238: HMAC-SHA-1, six digits), computed here apart from the server's crate.
export function totp(secret: string, offsetSteps = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...secret.replace(/=+$/, "")].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0")).join("");
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offsetSteps));
  const mac = createHmac("sha1", key).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  const value = (((mac[at] & 0x7f) << 24) | (mac[at + 1] << 16) | (mac[at + 2] << 8) | mac[at + 3]) % 1_000_000;
  return String(value).padStart(6, "0");
}

/// A bearer token for `email`, signed in through the API (for set-up and clean-up steps).
export async function apiToken(request: APIRequestContext, email: string): Promise<string> {
  const answer = await request.post("/api/v1/auth/login", { data: { email, password: PASSWORD } });
  expect(answer.status()).toBe(200);
  return (await answer.json()).access_token;
}

/// The raw emails the journeys' SMTP sink holds for `address`.
export function mailTo(address: string): string[] {
  const dir = path.join(process.env.E2E_MAILDIR ?? "", "new");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => fs.readFileSync(path.join(dir, name), "utf8"))
    .filter((raw) => raw.includes(`<${address}>`));
}
