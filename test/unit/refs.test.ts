import * as assert from 'assert';
import { checkRefName, refLabel } from '../../src/core/refs';

suite('core/refs: checkRefName', () => {
  const valid = [
    'main',
    'feature/x',
    'feature/JIRA-123_login-screen',
    'release-1.2',
    'release/1.2.3',
    'v1.0.0',
    'fix/ünïcödé',
    '機能/ログイン',
    'deps/@types-node',
    'a.b.c',
    'HEAD-ish',
  ];
  for (const name of valid) {
    test(`accepts ${JSON.stringify(name)}`, () => {
      assert.strictEqual(checkRefName(name), undefined);
    });
  }

  test('empty or blank names', () => {
    for (const name of ['', ' ', '\t\n']) {
      assert.strictEqual(checkRefName(name), 'The name cannot be empty.', JSON.stringify(name));
    }
  });

  test('whitespace inside a name', () => {
    for (const name of ['my branch', ' main', 'main ', 'a\tb', 'a\nb']) {
      assert.strictEqual(checkRefName(name), 'Git ref names cannot contain spaces.', JSON.stringify(name));
    }
  });

  const invalid = [
    'a..b',
    '..',
    'feature/..',
    'a~1',
    'HEAD~',
    'a^b',
    'a:b',
    'a?b',
    'a*b',
    'a[b',
    'a\\b',
    'a@{1}',
    'feature/',
    'feature//x',
    '/feature',
    'x.lock',
    'feature/x.lock',
    '-bad',
  ];
  for (const name of invalid) {
    test(`refuses ${JSON.stringify(name)}`, () => {
      assert.strictEqual(checkRefName(name), `"${name}" is not a valid git ref name.`);
    });
  }
});

suite('core/refs: refLabel', () => {
  test('branch, tag and neither', () => {
    assert.strictEqual(refLabel({ branch: 'main' }), 'branch main');
    assert.strictEqual(refLabel({ tag: 'v1.0' }), 'tag v1.0');
    assert.strictEqual(refLabel({}), 'branch ?');
  });
});
