import * as assert from 'assert';
import { CodemagicApiError } from '../../src/api/errors';
import { describeError } from '../../src/core/errorText';
import { UnsafeSettingError } from '../../src/core/urls';

const DOING = 'start the build';
const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);

function http(status: number, serverMessage?: string, retryAfterMs?: number): CodemagicApiError {
  return new CodemagicApiError('http', `HTTP ${status}`, { status, serverMessage, retryAfterMs });
}

suite('core/errorText: describeError', () => {
  suite('HTTP errors', () => {
    test('400 includes the server message and offers the log', () => {
      const t = describeError(http(400, 'Branch "nope" does not exist'), DOING, NOW);
      assert.ok(t.message.startsWith('Could not start the build:'), t.message);
      assert.ok(t.message.includes('Codemagic says: "Branch "nope" does not exist"'), t.message);
      assert.deepStrictEqual(t.actions, ['showLog']);
    });

    test('400 without a server message says what to check', () => {
      const t = describeError(http(400), DOING, NOW);
      assert.match(t.message, /refused the request/);
      assert.match(t.message, /Check the app, workflow and branch/);
      assert.ok(!t.message.includes('Codemagic says'), t.message);
    });

    test('a long server message is cut to 300 characters by the error itself', () => {
      const t = describeError(http(400, 'x'.repeat(1000)), DOING, NOW);
      assert.ok(t.message.includes(`"${'x'.repeat(300)}"`));
      assert.ok(!t.message.includes('x'.repeat(301)));
    });

    test('401 asks for a new token', () => {
      const t = describeError(http(401, 'Invalid token'), DOING, NOW);
      assert.match(t.message, /^Could not start the build: .*API token/);
      assert.deepStrictEqual(t.actions, ['setToken']);
    });

    for (const status of [403, 404]) {
      test(`${status} names the status, the likely cause and the server message`, () => {
        const t = describeError(http(status, 'Application not found'), 'cancel the build', NOW);
        assert.ok(t.message.startsWith('Could not cancel the build:'), t.message);
        assert.ok(t.message.includes(`HTTP ${status}`), t.message);
        assert.match(t.message, /no access|does not know/);
        assert.ok(t.message.includes('Codemagic says: "Application not found"'), t.message);
        assert.deepStrictEqual(t.actions, ['setToken', 'showLog']);
      });
    }

    test('403 without a server message has no empty quote', () => {
      const t = describeError(http(403), DOING, NOW);
      assert.ok(!t.message.includes('Codemagic says'), t.message);
      assert.ok(t.message.endsWith('.'), t.message);
    });

    test('429 says when to try again: clock time and seconds', () => {
      const t = describeError(http(429, undefined, 30_000), DOING, NOW);
      const at = new Date(NOW + 30_000).toLocaleTimeString();
      assert.match(t.message, /rate limit/);
      assert.ok(t.message.includes(`Try again after ${at} (in 30 s)`), t.message);
      assert.deepStrictEqual(t.actions, ['retry']);
    });

    test('429 with a long wait counts in minutes, rounded up', () => {
      const t = describeError(http(429, undefined, 150_000), DOING, NOW);
      const at = new Date(NOW + 150_000).toLocaleTimeString();
      assert.ok(t.message.includes(`${at} (in 3 min)`), t.message);
    });

    test('429 rounds partial seconds up and switches to minutes at 120 s', () => {
      assert.ok(describeError(http(429, undefined, 1_500), DOING, NOW).message.includes('(in 2 s)'));
      assert.ok(describeError(http(429, undefined, 119_000), DOING, NOW).message.includes('(in 119 s)'));
      assert.ok(describeError(http(429, undefined, 120_000), DOING, NOW).message.includes('(in 2 min)'));
    });

    test('429 without Retry-After assumes a minute', () => {
      const t = describeError(http(429), DOING, NOW);
      const at = new Date(NOW + 60_000).toLocaleTimeString();
      assert.ok(t.message.includes(`${at} (in 60 s)`), t.message);
    });

    for (const status of [500, 502, 503, 504]) {
      test(`${status} is Codemagic's problem: retry later`, () => {
        const t = describeError(http(status, 'Service Unavailable'), DOING, NOW);
        assert.ok(t.message.includes(`HTTP ${status}`), t.message);
        assert.match(t.message, /Try again in a few minutes/);
        assert.ok(t.message.includes('Codemagic says: "Service Unavailable"'), t.message);
        assert.deepStrictEqual(t.actions, ['retry', 'showLog']);
      });
    }

    test('an http error without a status still reads as a sentence', () => {
      const t = describeError(new CodemagicApiError('http', 'odd'), DOING, NOW);
      assert.ok(t.message.includes('HTTP ?'), t.message);
      assert.ok(!t.message.includes('undefined'), t.message);
    });
  });

  suite('other kinds', () => {
    test('network mentions the connection and the proxy setting', () => {
      const t = describeError(new CodemagicApiError('network', 'ECONNREFUSED'), DOING, NOW);
      assert.ok(t.message.startsWith('Could not start the build:'), t.message);
      assert.match(t.message, /internet connection/);
      assert.match(t.message, /proxy/);
      assert.match(t.message, /http\.proxy/);
      assert.deepStrictEqual(t.actions, ['retry', 'openSettings']);
    });

    test('timeout says Codemagic did not answer in time', () => {
      const t = describeError(new CodemagicApiError('timeout', 'timed out'), DOING, NOW);
      assert.match(t.message, /did not answer in time/);
      assert.deepStrictEqual(t.actions, ['retry', 'showLog']);
    });

    test('parse says the answer could not be read', () => {
      const t = describeError(new CodemagicApiError('parse', 'Unexpected token <'), DOING, NOW);
      assert.match(t.message, /could not read/);
      assert.ok(!t.message.includes('Unexpected token'), 'no raw parser detail');
      assert.deepStrictEqual(t.actions, ['retry', 'showLog']);
    });

    test('noToken asks for a token to do the thing', () => {
      const t = describeError(new CodemagicApiError('noToken', 'no token'), DOING, NOW);
      assert.strictEqual(t.message, 'Set your Codemagic API token to start the build.');
      assert.deepStrictEqual(t.actions, ['setToken']);
    });

    test('the kind wins over a stray status (a network error carrying 401 is still a network error)', () => {
      const t = describeError(new CodemagicApiError('network', 'x', { status: 401 }), DOING, NOW);
      assert.deepStrictEqual(t.actions, ['retry', 'openSettings']);
    });

    test('UnsafeSettingError: its own message, and the settings as next step', () => {
      const msg = 'The setting codemagic.apiUrl must use https:// (plain http:// is allowed only for localhost).';
      const t = describeError(new UnsafeSettingError(msg), DOING, NOW);
      assert.strictEqual(t.message, msg);
      assert.deepStrictEqual(t.actions, ['openSettings']);
    });

    test('a plain Error: its message after "Could not …", and the log', () => {
      const t = describeError(new Error('disk full'), 'save the build', NOW);
      assert.strictEqual(t.message, 'Could not save the build: disk full');
      assert.deepStrictEqual(t.actions, ['showLog']);
    });

    test('a non-Error value is turned into text', () => {
      assert.strictEqual(describeError('boom', DOING, NOW).message, 'Could not start the build: boom');
      assert.deepStrictEqual(describeError(42, DOING, NOW).actions, ['showLog']);
    });

    test('every result is a sentence without undefined/NaN holes and with at least one action', () => {
      const errors: unknown[] = [
        new CodemagicApiError('noToken', ''),
        new CodemagicApiError('network', ''),
        new CodemagicApiError('timeout', ''),
        new CodemagicApiError('parse', ''),
        ...[400, 401, 403, 404, 409, 422, 429, 500].map((s) => http(s)),
        new UnsafeSettingError('The setting x is not a valid URL.'),
        new Error('x'),
      ];
      for (const e of errors) {
        const t = describeError(e, DOING, NOW);
        assert.ok(t.message.length > 10, t.message);
        assert.ok(!/undefined|null|NaN/.test(t.message), t.message);
        assert.ok(t.actions.length >= 1, t.message);
      }
    });
  });
});
