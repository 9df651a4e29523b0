'use strict';
// Checks that CometChat's official JavaScript Calls SDK v4
// (@cometchat/calls-sdk-javascript, pinned in package.json) gets call
// tokens from cmd/cometchat-emulator, and gets AUTH_ERR_AUTH_TOKEN_NOT_FOUND
// for an unknown auth token. run.sh starts the emulator over TLS and sets:
//
//   CALLS_URL   the emulator's calls base URL (https://127.0.0.1:PORT/call/v3.0)
//   ADMIN_URL   its admin base URL, to issue a user's auth token
//   APP_ID, REGION, AUTH_KEY
//   NODE_EXTRA_CA_CERTS  the emulator's certificate, so that Node trusts it
//
// The SDK builds https://{appId}.call-{region}.cometchat.io/v3.0/ unless
// its app settings carry a host (CallAppSettingsBuilder.setHost), which it
// then uses whole, trailing slash included: that is how it is pointed at
// the emulator here, the way dedicated deployments and proxies do it.

require('./shims');
const assert = require('node:assert/strict');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run ./run.sh)`);
  return v;
};
const callsURL = env('CALLS_URL');
const adminURL = env('ADMIN_URL');
const appID = env('APP_ID');
const region = env('REGION');
const authKey = env('AUTH_KEY');

// The bundle's script loader logs errors for the WebRTC helpers it cannot
// load without a real DOM; generateToken does not need them.
const consoleError = console.error;
let loaderErrors = 0;
console.error = (...args) => {
  if (typeof args[0] === 'string' && args[0].startsWith('[Script Loader]')) {
    loaderErrors++;
    return;
  }
  consoleError(...args);
};

// Every request the SDK sends, as it sent it.
const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init = {}) => {
  sent.push({ url: String(url), method: init.method || 'GET', headers: new Headers(init.headers), body: init.body });
  return realFetch(url, init);
};

const { CometChatCalls } = require('@cometchat/calls-sdk-javascript');

// failure describes an error answer by its code only: the emulator's
// messages quote the credential they refuse, which a failure must not print.
function failure(what, body) {
  return `${what}: ${(body && body.error && body.error.code) || 'no error code'}`;
}

async function issueAuthToken(uid) {
  const res = await realFetch(`${adminURL}/users/${uid}/auth_tokens`, {
    method: 'POST',
    headers: { appId: appID, apiKey: authKey, 'Content-Type': 'application/json' },
    body: '{"force":true}',
  });
  const body = await res.json();
  assert.equal(res.status, 200, failure('issuing an auth token', body));
  return body.data.authToken;
}

async function verify(callToken) {
  const res = await realFetch(`${callsURL}/call_tokens`, { headers: { callToken } });
  const body = await res.json();
  assert.equal(res.status, 200, failure('verifying the call token', body));
  return body.data.payload.data;
}

async function main() {
  const settings = new CometChatCalls.CallAppSettingsBuilder()
    .setAppId(appID)
    .setRegion(region)
    .setHost(callsURL + '/')
    .build();
  await CometChatCalls.init(settings);

  const authToken = await issueAuthToken('cometchat-uid-1');
  const result = await CometChatCalls.generateToken('emulator-check-session', authToken);
  assert.equal(typeof result.token, 'string', 'generateToken resolves to {token}');
  assert.ok(result.token.length > 0);

  assert.equal(sent.length, 1, 'one request');
  const req = sent[0];
  assert.equal(req.method, 'POST');
  assert.equal(req.url, callsURL + '/call_tokens');
  // Compared without assert.equal, whose failure would print both tokens.
  assert.ok(req.headers.get('authToken') === authToken, 'the authToken header is the auth token given');
  assert.equal(req.headers.get('appId'), null, 'v4 sends no appId header');
  assert.equal(req.body, '{"sessionId":"emulator-check-session"}');

  const info = await verify(result.token);
  assert.equal(info.sessionId, 'emulator-check-session');
  assert.equal(info.user.uid, 'cometchat-uid-1');
  assert.equal(info.appId, appID);

  const second = await CometChatCalls.generateToken('emulator-check-session', authToken);
  assert.notEqual(second.token, result.token, 'a fresh call token each time');

  await assert.rejects(
    CometChatCalls.generateToken('emulator-check-session', 'cometchat-uid-1_0000000000unknown'),
    (err) => {
      assert.equal(err.code, 'AUTH_ERR_AUTH_TOKEN_NOT_FOUND', `got ${err.code}`);
      return true;
    },
  );

  console.log(`ok: @cometchat/calls-sdk-javascript ${require('@cometchat/calls-sdk-javascript/package.json').version} ` +
    `got a call token from the emulator over TLS (no appId header), and AUTH_ERR_AUTH_TOKEN_NOT_FOUND for an unknown token` +
    (loaderErrors ? ` (${loaderErrors} script-loader messages of the bundle's WebRTC helpers suppressed)` : ''));
}

main().then(
  () => process.exit(0),
  (err) => {
    consoleError('FAIL:', err && err.stack ? err.stack : err);
    process.exit(1);
  },
);
