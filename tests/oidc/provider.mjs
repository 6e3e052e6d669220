// A real OpenID Provider for the admin's sign-in tests (tests/test_admin_oidc.py): the npm
// package oidc-provider (OpenID Certified), on 127.0.0.1, with one confidential web client and
// test people in groups. Its development sign-in form takes any login; the person's claims
// (email, groups) come from OP_PEOPLE.
//
// Environment: OP_PORT, OP_CLIENT_ID, OP_CLIENT_SECRET, OP_REDIRECT_URI,
// OP_POST_LOGOUT_URI, OP_PEOPLE_FILE (JSON: {login: {"email": ..., "groups": [...]}}, read at
// every sign-in, so a test can move someone between groups).
import { readFileSync } from "fs";
import Provider from "oidc-provider";

const port = Number(process.env.OP_PORT);
const people = () => JSON.parse(readFileSync(process.env.OP_PEOPLE_FILE, "utf8"));
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OP_CLIENT_ID,
      client_secret: process.env.OP_CLIENT_SECRET,
      redirect_uris: [process.env.OP_REDIRECT_URI],
      post_logout_redirect_uris: [process.env.OP_POST_LOGOUT_URI],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  scopes: ["openid", "email", "profile", "groups"],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["given_name", "family_name"],
    groups: ["groups"],
  },
  async findAccount(ctx, id) {
    const person = people()[id] || {};
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: person.email || `${id}@example.com`,
          email_verified: true,
          given_name: id,
          family_name: "Tester",
          groups: person.groups || [],
        };
      },
    };
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ["a-test-only-cookie-key"] },
  // The groups claim in the ID token too, as Okta's groups claim puts it there.
  conformIdTokenClaims: false,
});
// Loopback http is this test's world; oidc-provider refuses it for web clients otherwise.
provider.Client.Schema.prototype.invalidate = function invalidate(message) {
  if (/redirect_uris|post_logout_redirect_uris/.test(String(message))) return;
  throw new Error(message);
};
provider.listen(port, "127.0.0.1", () => {
  process.stdout.write(`ready ${issuer}\n`);
});
