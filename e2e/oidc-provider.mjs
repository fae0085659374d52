// A real OpenID Connect provider (the npm package oidc-provider) for the tests of single sign-on:
// the API tests (crates/test-support/src/oidc.rs) and the browser journey start it on loopback.
//
//   node oidc-provider.mjs --port 0 --redirect-uri http://127.0.0.1/login/sso [--exit-with-stdin]
//                          [--minimal-id-token]
//
// It prints `ready <issuer>` once it listens. One client is registered: `coaching-hub` with the
// secret `test-client-secret`. People are registered by the test (POST /__test/accounts with
// {sub, email, email_verified, name}); a sign-in picks one by `login_hint` (its `sub`) or, in a
// browser, by the email typed into the provider's page. POST /__test/next-id-token with claims
// makes the next token response carry an ID token with those claims changed, signed with the
// provider's own key: how the tests get a wrong audience, issuer, nonce or expiry from a provider
// whose signature is otherwise genuine. POST /__test/rotate-key signs with a new key from then on,
// published beside the old one.
import { createServer } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import Provider from "oidc-provider";
import * as jose from "jose";

const options = { port: "0", "redirect-uri": "", "exit-with-stdin": false, "minimal-id-token": false };
for (let i = 2; i < process.argv.length; i++) {
  const name = process.argv[i].replace(/^--/, "");
  if (typeof options[name] === "boolean") options[name] = true;
  else options[name] = process.argv[++i];
}

// An RSA signing key as a private JWK, and the key to sign with.
async function newKey(kid) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  return { jwk, key: await jose.importJWK(jwk, "RS256") };
}
const first = await newKey("test-key-1");
// The key ID tokens are signed with: the first, until a test rotates it.
let signing = first;
const published = [];

const accounts = new Map();
let nextIdToken = null;

const server = createServer();
await new Promise((resolve) => server.listen(Number(options.port), "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "coaching-hub",
      client_secret: "test-client-secret",
      redirect_uris: options["redirect-uri"].split(",").filter(Boolean),
      response_types: ["code"],
      grant_types: ["authorization_code"],
    },
  ],
  jwks: { keys: [first.jwk] },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // The claims of the scopes asked for go in the ID token, as most providers put them (with
  // --minimal-id-token they are taken out again below, as Okta leaves them to user info).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["test-only-cookie-signing-key"] },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    const account = accounts.get(id);
    return account && { accountId: id, claims: () => ({ ...account }) };
  },
});

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const page = (message) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Test identity provider</title><link rel="icon" href="data:,">
<style>body{font:16px system-ui;max-width:22rem;margin:4rem auto;padding:0 1rem}
input,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.25rem 0 1rem}</style>
</head><body><h1>Test identity provider</h1>${message ? `<p role="alert">${message}</p>` : ""}
<form method="post"><label>Work email<input name="email" type="email" autocomplete="email" required></label>
<button type="submit">Continue</button></form></body></html>`;

// Signs `sub` in and grants what the client asked for: no consent screen.
async function finish(ctx, details, sub) {
  const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(
    ctx.req,
    ctx.res,
    { login: { accountId: sub }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  ctx.respond = false;
}

provider.use(async (ctx, next) => {
  if (ctx.method === "POST" && ctx.path === "/__test/accounts") {
    const account = JSON.parse(await body(ctx.req));
    accounts.set(account.sub, account);
    ctx.status = 204;
    return;
  }
  if (ctx.method === "POST" && ctx.path === "/__test/rotate-key") {
    // A new key signs from now on and is published beside the old one, as providers rotate.
    signing = await newKey(`test-key-${published.length + 2}`);
    const { d, p, q, dp, dq, qi, ...publicJwk } = signing.jwk;
    published.push(publicJwk);
    ctx.status = 204;
    return;
  }
  if (ctx.method === "POST" && ctx.path === "/__test/next-id-token") {
    nextIdToken = JSON.parse(await body(ctx.req));
    ctx.status = 204;
    return;
  }
  if (ctx.path.startsWith("/interaction/")) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const hinted = details.params.login_hint;
    if (hinted && accounts.has(hinted)) return finish(ctx, details, hinted);
    if (ctx.method === "POST") {
      const email = new URLSearchParams(await body(ctx.req)).get("email") ?? "";
      const account = [...accounts.values()].find((a) => a.email === email.trim().toLowerCase());
      if (account) return finish(ctx, details, account.sub);
      ctx.body = page("No one here has that email.");
      return;
    }
    ctx.body = page("");
    return;
  }
  await next();
  if (ctx.path === "/jwks" && published.length > 0) {
    ctx.body = { keys: [...ctx.body.keys, ...published] };
  }
  const minimal = options["minimal-id-token"];
  if (ctx.path === "/token" && (nextIdToken || signing !== first || minimal) && ctx.body?.id_token) {
    const changes = nextIdToken ?? {};
    nextIdToken = null;
    const claims = { ...jose.decodeJwt(ctx.body.id_token), ...changes };
    if (minimal) for (const claim of ["email", "email_verified", "name"]) delete claims[claim];
    const header = { ...jose.decodeProtectedHeader(ctx.body.id_token), kid: signing.jwk.kid };
    const idToken = await new jose.SignJWT(claims).setProtectedHeader(header).sign(signing.key);
    ctx.body = { ...ctx.body, id_token: idToken };
  }
});

server.on("request", provider.callback());
console.log(`ready ${issuer}`);
if (options["exit-with-stdin"]) {
  // The test that started it has gone: so does the provider.
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
