// Playwright drives the machine's Chromium (never a downloaded browser) against the real
// server, started here on a fresh embedded database that seeds the demo organisation, with single
// sign-on at a real OpenID Connect provider (oidc-provider.mjs), started first: the server
// discovers it at start-up.
import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";

const port = Number(process.env.E2E_PORT ?? 18080);
// A second server with the optional features turned off (ENABLE_REAL_TIME, ENABLE_ANALYTICS),
// for the journey that checks the browser hides them; journeys find it in E2E_FLAGS_OFF_URL.
const flagsOffPort = Number(process.env.E2E_FLAGS_OFF_PORT ?? port + 1);
process.env.E2E_FLAGS_OFF_URL ??= `http://127.0.0.1:${flagsOffPort}`;
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? 18090);
const binary = process.env.COACHING_HUB_BIN ?? path.resolve(__dirname, "../target/debug/coaching-hub");
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 18025);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "coaching-hub-e2e-"));
// Where the SMTP sink keeps what the server emails (journeys read it; workers inherit this).
process.env.E2E_MAILDIR ??= path.join(dataDir, "mail");

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    testIdAttribute: "data-test-id",
    // The laptop the journeys are judged on; the phone journeys set 375x812 themselves.
    viewport: { width: 1440, height: 900 },
    // The browser's language: dates and numbers follow it (`Tue 3 Mar, 14:30` in British
    // English); one journey opens an American browser to see them follow.
    locale: "en-GB",
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // The browser's own language too: its date and time pickers follow it, not `locale`.
      env: { ...process.env, LANG: "en_GB.UTF-8", LANGUAGE: "en_GB" },
      args: [
        "--lang=en-GB",
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      // An SMTP server keeping every email in a Maildir (aiosmtpd, from PyPI).
      command: `${process.env.SMTP_SINK_PYTHON ?? "python3"} -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${process.env.E2E_MAILDIR}`,
      port: smtpPort,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
    },
    {
      command: `node oidc-provider.mjs --port ${oidcPort} --redirect-uri http://127.0.0.1:${port}/login/sso`,
      url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
    },
    {
      command: `${binary} serve --demo`,
      url: `http://127.0.0.1:${port}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      env: {
        PORT: String(port),
        DATA_DIR: dataDir,
        STATIC_DIR: path.resolve(__dirname, "../frontend/dist"),
        LOG_LEVEL: "warn",
        OIDC_ISSUER_URL: `http://127.0.0.1:${oidcPort}`,
        OIDC_CLIENT_ID: "coaching-hub",
        OIDC_CLIENT_SECRET: "test-client-secret",
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        SMTP_RETRY_SECONDS: "1",
        // Every journey signs in from 127.0.0.1, several times a minute between them: more than
        // the 30 sign-ins a minute one address is allowed by default (it refused a two-step
        // journey's last step now and then). The per-account limits stay as shipped.
        LOGIN_LIMIT_PER_IP: "1000000",
        // The webhook journey's receiver listens on this machine.
        WEBHOOK_ALLOW_PRIVATE: "true",
      },
    },
    {
      command: `${binary} serve --demo`,
      url: `http://127.0.0.1:${flagsOffPort}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      env: {
        PORT: String(flagsOffPort),
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "coaching-hub-e2e-flags-off-")),
        STATIC_DIR: path.resolve(__dirname, "../frontend/dist"),
        LOG_LEVEL: "warn",
        ENABLE_REAL_TIME: "false",
        ENABLE_ANALYTICS: "false",
        LOGIN_LIMIT_PER_IP: "1000000",
      },
    },
  ],
});
