import * as assert from 'assert';
import { buildPageUrl, checkApiUrl, UnsafeSettingError } from '../../src/core/urls';

const SETTING = 'codemagic.apiUrl';

function rejects(value: string, message: RegExp): void {
  assert.throws(
    () => checkApiUrl(SETTING, value),
    (e: unknown) => {
      assert.ok(e instanceof UnsafeSettingError, `not an UnsafeSettingError: ${String(e)}`);
      assert.ok(e instanceof Error);
      assert.ok(e.message.includes(SETTING), e.message);
      assert.match(e.message, message);
      return true;
    },
    `${JSON.stringify(value)} should be refused`,
  );
}

suite('core/urls: checkApiUrl', () => {
  const accepted: [string, string][] = [
    ['https://api.codemagic.io', 'https://api.codemagic.io'],
    ['https://api.codemagic.io/', 'https://api.codemagic.io'],
    ['https://api.codemagic.io///', 'https://api.codemagic.io'],
    ['https://codemagic.io/api/v3', 'https://codemagic.io/api/v3'],
    ['https://codemagic.io/api/v3/', 'https://codemagic.io/api/v3'],
    ['  https://codemagic.io/api/v3/ \n', 'https://codemagic.io/api/v3'],
    ['HTTPS://API.CODEMAGIC.IO/', 'https://api.codemagic.io'],
    ['https://proxy.example.com:8443/codemagic/', 'https://proxy.example.com:8443/codemagic'],
    ['https://example.com:443/', 'https://example.com'],
    // plain http on loopback only
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://localhost:3000/', 'http://localhost:3000'],
    ['http://LOCALHOST:3000/api/v3/', 'http://localhost:3000/api/v3'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://127.12.34.56/', 'http://127.12.34.56'],
    ['http://[::1]:9000/', 'http://[::1]:9000'],
  ];
  for (const [value, expected] of accepted) {
    test(`accepts ${JSON.stringify(value)} as ${expected}`, () => {
      assert.strictEqual(checkApiUrl(SETTING, value), expected);
    });
  }

  test('the result has no trailing slash, so paths can be appended with "/..."', () => {
    for (const [value] of accepted) assert.ok(!checkApiUrl(SETTING, value).endsWith('/'), value);
  });

  const plainHttp = [
    'http://example.com',
    'http://api.codemagic.io/',
    'http://localhost.evil.com/',
    'http://127.0.0.1.nip.io/',
    'http://evil.com/127.0.0.1',
    'http://10.0.0.1/',
    'http://192.168.1.10:3000/',
    'http://[::2]/',
  ];
  for (const value of plainHttp) {
    test(`refuses plain http to a non-loopback host: ${value}`, () => {
      rejects(value, /must use https:\/\//);
    });
  }

  const credentials = [
    'https://user:pass@api.codemagic.io',
    'https://token@api.codemagic.io',
    'https://:secret@api.codemagic.io',
    'http://user:pass@localhost:3000',
  ];
  for (const value of credentials) {
    test(`refuses credentials in the URL: ${value}`, () => {
      rejects(value, /user name or password/);
    });
  }

  test('the refusal message does not repeat the credentials', () => {
    assert.throws(
      () => checkApiUrl(SETTING, 'https://me:s3cr3t@api.codemagic.io'),
      (e: Error) => !e.message.includes('s3cr3t') && !e.message.includes('me:'),
    );
  });

  for (const value of ['ftp://api.codemagic.io', 'file:///etc/passwd', 'javascript:alert(1)', 'ws://localhost:3000']) {
    test(`refuses other schemes: ${value}`, () => {
      rejects(value, /must be an https:\/\/ URL/);
    });
  }

  for (const value of ['', '   ', 'garbage', 'api.codemagic.io', '//api.codemagic.io', 'https://', 'http://[::1']) {
    test(`refuses what is not a URL: ${JSON.stringify(value)}`, () => {
      rejects(value, /not a valid URL/);
    });
  }
});

suite('core/urls: buildPageUrl', () => {
  test('plain ids', () => {
    assert.strictEqual(
      buildPageUrl('60a1b2c3d4e5f6a7b8c9d0e1', '65f0c0ffee0000000000beef'),
      'https://codemagic.io/app/60a1b2c3d4e5f6a7b8c9d0e1/build/65f0c0ffee0000000000beef',
    );
  });

  test('ids are encoded so they cannot change the path, query or host', () => {
    assert.strictEqual(buildPageUrl('a/../b', 'x?y#z'), 'https://codemagic.io/app/a%2F..%2Fb/build/x%3Fy%23z');
    assert.strictEqual(buildPageUrl('@evil.com', 'é 1'), 'https://codemagic.io/app/%40evil.com/build/%C3%A9%201');
    const u = new URL(buildPageUrl('../../..', '..'));
    assert.strictEqual(u.host, 'codemagic.io');
    assert.ok(u.pathname.startsWith('/app/'), u.pathname);
  });
});
