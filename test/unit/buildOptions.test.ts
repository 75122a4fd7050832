import * as assert from 'assert';
import type { StartBuildRequest } from '../../src/api/types';
import {
  checkVariableName,
  describeRequest,
  parseAssignment,
  parseLabels,
  toStartRequest,
} from '../../src/core/buildOptions';

const APP = '60a1b2c3d4e5f6a7b8c9d0e3';
const WF = 'ios-release';

suite('core/buildOptions: checkVariableName', () => {
  for (const name of ['A', '_X', 'NAME_1', 'a', '_', '__', 'api_base_url', 'X9', 'A_B_C_123']) {
    test(`accepts ${JSON.stringify(name)}`, () => {
      assert.strictEqual(checkVariableName(name), undefined);
    });
  }

  for (const name of [
    '1A',
    '9',
    'A-B',
    'A.B',
    'A B',
    ' A',
    'A ',
    ' ',
    '\t',
    'A=B',
    '$A',
    'ÄPFEL',
    'naïve',
    'ПЕРЕМЕННАЯ',
    '変数',
    'A\u200B',
  ]) {
    test(`rejects ${JSON.stringify(name)} with a message naming it`, () => {
      const msg = checkVariableName(name);
      assert.ok(msg, 'a message');
      assert.ok(msg.includes(`"${name}"`), msg);
    });
  }

  test('rejects an empty name with its own message', () => {
    const msg = checkVariableName('');
    assert.ok(msg);
    assert.match(msg, /name/i);
    assert.ok(!msg.includes('""'), 'does not quote the empty name');
  });
});

suite('core/buildOptions: parseAssignment', () => {
  test('NAME=value', () => {
    assert.deepStrictEqual(parseAssignment('API_URL=https://staging.example.com'), {
      name: 'API_URL',
      value: 'https://staging.example.com',
    });
  });

  test("only the first '=' separates: the value keeps the others", () => {
    assert.deepStrictEqual(parseAssignment('QUERY=a=1&b=2'), { name: 'QUERY', value: 'a=1&b=2' });
    assert.deepStrictEqual(parseAssignment('B64=YWJj=='), { name: 'B64', value: 'YWJj==' });
    assert.deepStrictEqual(parseAssignment('EQ=='), { name: 'EQ', value: '=' });
  });

  test('an empty value is allowed', () => {
    assert.deepStrictEqual(parseAssignment('EMPTY='), { name: 'EMPTY', value: '' });
  });

  test('the value is kept as typed (spaces included); spaces around the name are dropped', () => {
    assert.deepStrictEqual(parseAssignment('  MSG = hello world '), { name: 'MSG', value: ' hello world ' });
  });

  test("a missing '=' is an error", () => {
    for (const text of ['NAME', 'NAME value', '', '   ']) {
      const r = parseAssignment(text);
      assert.ok('error' in r, JSON.stringify(text));
      assert.match(r.error, /NAME=value/);
    }
  });

  test('a bad or missing name is an error, and the value is not echoed back', () => {
    for (const text of ['1A=secret-value', 'A-B=secret-value', 'MY VAR=secret-value', 'ÜBER=secret-value']) {
      const r = parseAssignment(text);
      assert.ok('error' in r, text);
      assert.ok(!r.error.includes('secret-value'), r.error);
    }
    const empty = parseAssignment('=secret-value');
    assert.ok('error' in empty);
    assert.ok(!empty.error.includes('secret-value'));
    assert.strictEqual(empty.error, checkVariableName(''));
  });
});

suite('core/buildOptions: parseLabels', () => {
  test('splits on commas and whitespace', () => {
    assert.deepStrictEqual(parseLabels('release, qa nightly\tbeta\nx'), ['release', 'qa', 'nightly', 'beta', 'x']);
  });

  test('drops empties', () => {
    assert.deepStrictEqual(parseLabels(''), []);
    assert.deepStrictEqual(parseLabels('   '), []);
    assert.deepStrictEqual(parseLabels(',,, ,'), []);
    assert.deepStrictEqual(parseLabels(' ,release,, qa , '), ['release', 'qa']);
  });

  test('de-duplicates, keeping the first occurrence order', () => {
    assert.deepStrictEqual(parseLabels('qa, release qa,release, qa'), ['qa', 'release']);
  });

  test('is case-sensitive', () => {
    assert.deepStrictEqual(parseLabels('QA qa'), ['QA', 'qa']);
  });
});

suite('core/buildOptions: toStartRequest', () => {
  test('empty options on a branch: exactly {appId, workflowId, branch}', () => {
    const req = toStartRequest(APP, WF, { ref: { branch: 'main' } });
    assert.deepStrictEqual(req, { appId: APP, workflowId: WF, branch: 'main' });
    assert.deepStrictEqual(Object.keys(req).sort(), ['appId', 'branch', 'workflowId']);
  });

  test('empty options on a tag: exactly {appId, workflowId, tag}', () => {
    const req = toStartRequest(APP, WF, { ref: { tag: 'v1.2.3' } });
    assert.deepStrictEqual(req, { appId: APP, workflowId: WF, tag: 'v1.2.3' });
    assert.deepStrictEqual(Object.keys(req).sort(), ['appId', 'tag', 'workflowId']);
  });

  test('explicitly empty options add no environment, labels or instanceType key', () => {
    const req = toStartRequest(
      APP,
      WF,
      { ref: { branch: 'main' }, variables: {}, groups: [], software: {}, labels: [], instanceType: '' },
      [],
    );
    assert.deepStrictEqual(req, { appId: APP, workflowId: WF, branch: 'main' });
    for (const key of ['environment', 'labels', 'instanceType']) assert.ok(!(key in req), key);
    assert.strictEqual(JSON.stringify(req), JSON.stringify({ appId: APP, workflowId: WF, branch: 'main' }));
  });

  test('blank software versions and blank labels are dropped, leaving no keys', () => {
    const req = toStartRequest(APP, WF, {
      ref: { branch: 'main' },
      software: { xcode: '', flutter: '   ' },
      labels: ['', '  '],
    });
    assert.deepStrictEqual(req, { appId: APP, workflowId: WF, branch: 'main' });
  });

  test('a full set of options produces the documented shape', () => {
    const req = toStartRequest(
      APP,
      WF,
      {
        ref: { branch: 'feature/login' },
        variables: { API_URL: 'https://staging.example.com', TOKEN: 's3cr3t' },
        groups: ['app_store_credentials', 'firebase'],
        software: { xcode: '15.4', flutter: 'stable', node: '' },
        labels: ['qa', 'release'],
        instanceType: 'mac_mini_m2',
      },
      ['vscode'],
    );
    const expected: StartBuildRequest = {
      appId: APP,
      workflowId: WF,
      branch: 'feature/login',
      labels: ['qa', 'release', 'vscode'],
      environment: {
        variables: { API_URL: 'https://staging.example.com', TOKEN: 's3cr3t' },
        groups: ['app_store_credentials', 'firebase'],
        softwareVersions: { xcode: '15.4', flutter: 'stable' },
      },
      instanceType: 'mac_mini_m2',
    };
    assert.deepStrictEqual(req, expected);
    assert.deepStrictEqual(Object.keys(req.environment!).sort(), ['groups', 'softwareVersions', 'variables']);
  });

  test('only the environment parts that are set are present', () => {
    assert.deepStrictEqual(toStartRequest(APP, WF, { ref: { branch: 'main' }, variables: { A: '' } }).environment, {
      variables: { A: '' },
    });
    assert.deepStrictEqual(toStartRequest(APP, WF, { ref: { branch: 'main' }, groups: ['g'] }).environment, {
      groups: ['g'],
    });
    assert.deepStrictEqual(toStartRequest(APP, WF, { ref: { tag: 'v1' }, software: { java: '17' } }), {
      appId: APP,
      workflowId: WF,
      tag: 'v1',
      environment: { softwareVersions: { java: '17' } },
    });
  });

  test('default labels are appended after the user labels and de-duplicated', () => {
    const req = toStartRequest(APP, WF, { ref: { branch: 'main' }, labels: ['qa', 'vscode', 'qa'] }, [
      'vscode',
      'team-ios',
      'team-ios',
    ]);
    assert.deepStrictEqual(req.labels, ['qa', 'vscode', 'team-ios']);
  });

  test('default labels alone make the labels key', () => {
    const req = toStartRequest(APP, WF, { ref: { branch: 'main' } }, ['vscode', ' vscode ', '']);
    assert.deepStrictEqual(req, { appId: APP, workflowId: WF, branch: 'main', labels: ['vscode'] });
  });

  test('duplicate groups are sent once', () => {
    const req = toStartRequest(APP, WF, { ref: { branch: 'main' }, groups: ['a', 'b', 'a'] });
    assert.deepStrictEqual(req.environment, { groups: ['a', 'b'] });
  });

  // Regression: `groups` is tested for length before unique() drops blanks, so only-blank groups send
  // `environment: { groups: [] }`, breaking "empty options are left out entirely".
  test('groups that are all blank add no environment', () => {
    const req = toStartRequest(APP, WF, { ref: { branch: 'main' }, groups: ['', '  '] });
    assert.deepStrictEqual(req, { appId: APP, workflowId: WF, branch: 'main' });
  });

  test('does not modify the options it was given', () => {
    const o = {
      ref: { branch: 'main' } as const,
      variables: { A: '1' },
      groups: ['g', 'g'],
      software: { xcode: '15.4', ruby: '' },
      labels: ['x', 'x'],
    };
    const before = JSON.stringify(o);
    toStartRequest(APP, WF, o, ['y']);
    assert.strictEqual(JSON.stringify(o), before);
  });
});

suite('core/buildOptions: describeRequest', () => {
  const secrets = {
    API_URL: 'https://staging.internal.example.com/v2',
    SIGNING_PASSWORD: 'hunter2-Pa55w0rd!',
    WITH_EQUALS: 'k=v;x=y',
    SHORT: 'zq',
  };

  test('masks every variable value: the output never contains one', () => {
    const req = toStartRequest(
      APP,
      WF,
      {
        ref: { branch: 'main' },
        variables: secrets,
        groups: ['creds'],
        software: { xcode: '15.4' },
        labels: ['qa'],
        instanceType: 'mac_mini_m4',
      },
      ['vscode'],
    );
    const lines = describeRequest(req);
    const text = lines.join('\n');
    for (const value of Object.values(secrets)) assert.ok(!text.includes(value), `leaked ${value}`);
    for (const name of Object.keys(secrets)) assert.ok(text.includes(`${name}=••••`), name);
  });

  test('one line per thing sent, in order', () => {
    const req = toStartRequest(
      APP,
      WF,
      {
        ref: { branch: 'main' },
        variables: { A: 'secret-a', B: 'secret-b' },
        groups: ['creds', 'firebase'],
        software: { xcode: '15.4', flutter: 'stable' },
        labels: ['qa'],
        instanceType: 'mac_mini_m4',
      },
      ['vscode'],
    );
    assert.deepStrictEqual(describeRequest(req), [
      'Branch: main',
      'Variables: A=••••, B=••••',
      'Variable groups: creds, firebase',
      'Software: xcode 15.4, flutter stable',
      'Labels: qa, vscode',
      'Instance type: mac_mini_m4',
    ]);
  });

  test('a bare request is a single Branch or Tag line', () => {
    assert.deepStrictEqual(describeRequest(toStartRequest(APP, WF, { ref: { branch: 'develop' } })), [
      'Branch: develop',
    ]);
    assert.deepStrictEqual(describeRequest(toStartRequest(APP, WF, { ref: { tag: 'v2.0.0' } })), ['Tag: v2.0.0']);
  });

  test('an empty variable value is masked too', () => {
    const lines = describeRequest({
      appId: APP,
      workflowId: WF,
      branch: 'main',
      environment: { variables: { E: '' } },
    });
    assert.deepStrictEqual(lines, ['Branch: main', 'Variables: E=••••']);
  });
});
