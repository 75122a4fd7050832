import * as assert from 'assert';
import { CODEMAGIC_YAML_NAMES, MAX_YAML_BYTES, readWorkflows, type YamlWorkflow } from '../../src/core/workflows';

/** A codemagic.yaml the way real projects write it: anchors, aliases, merge keys, comments, quotes. */
const REALISTIC = `# Codemagic configuration for the demo app
definitions:
  instance_mac: &instance_mac
    instance_type: mac_mini_m2
    max_build_duration: 60

  env_versions: &env_versions
    flutter: 3.22.2
    xcode: 15.4
    cocoapods: default

  common_labels: &common_labels
    - nightly
    - "team-mobile"

  ios_base: &ios_base
    name: iOS base name   # overridden below
    <<: *instance_mac
    environment:
      groups:
        - app_store_credentials
        - firebase
      <<: *env_versions

workflows:
  # The iOS release build
  ios-release:
    <<: *ios_base
    name: iOS Release
    labels: *common_labels

  "android-release":
    name: 'Android: Release'
    instance_type: linux_x2
    labels: [android, 'store']
    environment:
      groups: [google_play]
      flutter: stable
      java: 17

  ios-nightly:
    <<: *ios_base

  'web':
    environment:
      node: 20.11.1
      npm: 10
    scripts:
      - name: Build
        script: npm run build
`;

function byId(ws: YamlWorkflow[]): Record<string, YamlWorkflow> {
  return Object.fromEntries(ws.map((w) => [w.id, w]));
}

/** The 1-based line of the first line of `text` that starts with `prefix` after indentation. */
function lineOf(text: string, prefix: string): number {
  const i = text.split('\n').findIndex((l) => l.trimStart().startsWith(prefix));
  assert.ok(i >= 0, `no line starts with ${prefix}`);
  return i + 1;
}

suite('core/workflows: readWorkflows', () => {
  test('reads every workflow of a realistic file, in file order, without an error', () => {
    const r = readWorkflows(REALISTIC);
    assert.strictEqual(r.error, undefined);
    assert.deepStrictEqual(
      r.workflows.map((w) => w.id),
      ['ios-release', 'android-release', 'ios-nightly', 'web'],
    );
  });

  test('the line of each workflow is the 1-based line of its key (comments, quotes and blank lines counted)', () => {
    const w = byId(readWorkflows(REALISTIC).workflows);
    assert.strictEqual(w['ios-release'].line, lineOf(REALISTIC, 'ios-release:'));
    assert.strictEqual(w['android-release'].line, lineOf(REALISTIC, '"android-release":'));
    assert.strictEqual(w['ios-nightly'].line, lineOf(REALISTIC, 'ios-nightly:'));
    assert.strictEqual(w['web'].line, lineOf(REALISTIC, "'web':"));
    // Sanity: the helper is not trivially 1-based-off-by-one.
    assert.strictEqual(lineOf(REALISTIC, 'definitions:'), 2);
  });

  test('a workflow key on the very first line is line 1', () => {
    const r = readWorkflows('workflows: {first: {name: First}}\n');
    assert.deepStrictEqual(r.workflows, [
      {
        id: 'first',
        name: 'First',
        line: 1,
        instanceType: undefined,
        labels: undefined,
        groups: undefined,
      },
    ]);
  });

  test('names: explicit, quoted with a colon, overriding a merged name, merged-only, and defaulting to the id', () => {
    const w = byId(readWorkflows(REALISTIC).workflows);
    assert.strictEqual(w['ios-release'].name, 'iOS Release', 'an explicit key wins over a merged one');
    assert.strictEqual(w['android-release'].name, 'Android: Release');
    assert.strictEqual(w['ios-nightly'].name, 'iOS base name', 'the name comes through the merge key');
    assert.strictEqual(w['web'].name, 'web', 'no name: the id');
  });

  test('instance_type, directly and through a nested merge', () => {
    const w = byId(readWorkflows(REALISTIC).workflows);
    assert.strictEqual(w['ios-release'].instanceType, 'mac_mini_m2');
    assert.strictEqual(w['ios-nightly'].instanceType, 'mac_mini_m2');
    assert.strictEqual(w['android-release'].instanceType, 'linux_x2');
    assert.strictEqual(w['web'].instanceType, undefined);
  });

  test('labels: from an alias of a sequence, and a flow sequence with quotes', () => {
    const w = byId(readWorkflows(REALISTIC).workflows);
    assert.deepStrictEqual(w['ios-release'].labels, ['nightly', 'team-mobile']);
    assert.deepStrictEqual(w['android-release'].labels, ['android', 'store']);
    assert.strictEqual(w['ios-nightly'].labels, undefined);
  });

  test('environment.groups, including through a merge key', () => {
    const w = byId(readWorkflows(REALISTIC).workflows);
    assert.deepStrictEqual(w['ios-release'].groups, ['app_store_credentials', 'firebase']);
    assert.deepStrictEqual(w['ios-nightly'].groups, ['app_store_credentials', 'firebase']);
    assert.deepStrictEqual(w['android-release'].groups, ['google_play']);
    assert.strictEqual(w['web'].groups, undefined);
  });

  test('software versions come out as strings, including numbers and merged values; other environment keys are ignored', () => {
    const w = byId(readWorkflows(REALISTIC).workflows);
    assert.deepStrictEqual(w['ios-release'].software, { flutter: '3.22.2', xcode: '15.4', cocoapods: 'default' });
    assert.deepStrictEqual(w['ios-nightly'].software, { flutter: '3.22.2', xcode: '15.4', cocoapods: 'default' });
    assert.deepStrictEqual(w['android-release'].software, { flutter: 'stable', java: '17' });
    assert.deepStrictEqual(w['web'].software, { node: '20.11.1', npm: '10' });
    for (const wf of Object.values(w)) {
      for (const v of Object.values(wf.software ?? {})) assert.strictEqual(typeof v, 'string');
    }
  });

  test('every known software key is read; vars and unknown keys are not', () => {
    const r = readWorkflows(
      [
        'workflows:',
        '  all:',
        '    environment:',
        '      xcode: latest',
        '      flutter: 3.19.6',
        '      cocoapods: 1.15.2',
        '      node: 20',
        '      npm: 10.5.0',
        '      ndk: r25b',
        '      java: 17',
        '      ruby: 3.3.0',
        '      vars: {A: b}',
        '      something_else: 1',
        '',
      ].join('\n'),
    );
    assert.deepStrictEqual(r.workflows[0].software, {
      xcode: 'latest',
      flutter: '3.19.6',
      cocoapods: '1.15.2',
      node: '20',
      npm: '10.5.0',
      ndk: 'r25b',
      java: '17',
      ruby: '3.3.0',
    });
  });

  test('a workflow without environment has no software key at all', () => {
    const r = readWorkflows('workflows:\n  a:\n    name: A\n');
    assert.ok(!('software' in r.workflows[0]));
  });

  test('numbers in labels and groups become strings', () => {
    const r = readWorkflows('workflows:\n  a:\n    labels: [1, x]\n    environment:\n      groups: [g, 2]\n');
    assert.deepStrictEqual(r.workflows[0].labels, ['1', 'x']);
    assert.deepStrictEqual(r.workflows[0].groups, ['g', '2']);
  });

  // Regression: YAML reads `flutter: 3.10` as the float 3.1 and `xcode: 16.0` as 16, and asString() then
  // turns the number back into "3.1" / "16": a different Flutter / Xcode version than the file asks
  // for. Versions must keep the scalar's source text. See the report for the proposed fix.
  test('software versions keep their written form: 3.10 stays "3.10", 16.0 stays "16.0"', () => {
    const r = readWorkflows(
      'workflows:\n  a:\n    name: 2.10\n    environment:\n      flutter: 3.10\n      xcode: 16.0\n      node: 20\n',
    );
    assert.deepStrictEqual(r.workflows[0].software, { flutter: '3.10', xcode: '16.0', node: '20' });
    assert.strictEqual(r.workflows[0].name, '2.10');
  });

  test('workflow ids that are not strings in YAML (numbers, booleans) become string ids', () => {
    const r = readWorkflows('workflows:\n  123: {}\n  true:\n    name: T\n');
    assert.deepStrictEqual(
      r.workflows.map((w) => [w.id, w.name, w.line]),
      [
        ['123', '123', 2],
        ['true', 'T', 3],
      ],
    );
  });

  test('a workflow whose value is empty, a scalar or a list is still listed, by id', () => {
    const r = readWorkflows('workflows:\n  empty:\n  scalar: 5\n  list: [1]\n');
    assert.strictEqual(r.error, undefined);
    assert.deepStrictEqual(
      r.workflows.map((w) => [w.id, w.name, w.line]),
      [
        ['empty', 'empty', 2],
        ['scalar', 'scalar', 3],
        ['list', 'list', 4],
      ],
    );
  });

  test('workflows merged into the workflows map itself are listed with their ids and names', () => {
    const r = readWorkflows('definitions:\n  shared: &shared\n    a: {name: A}\nworkflows:\n  <<: *shared\n  b: {}\n');
    assert.strictEqual(r.error, undefined);
    assert.deepStrictEqual(
      r.workflows.map((w) => [w.id, w.name]),
      [
        ['a', 'A'],
        ['b', 'b'],
      ],
    );
    assert.strictEqual(r.workflows[1].line, 6);
  });

  test('CRLF line endings and a byte-order mark give the same lines', () => {
    const r = readWorkflows('\ufeffworkflows:\r\n  a: {}\r\n\r\n  b:\r\n    name: B\r\n');
    assert.deepStrictEqual(
      r.workflows.map((w) => [w.id, w.name, w.line]),
      [
        ['a', 'a', 2],
        ['b', 'B', 4],
      ],
    );
  });

  test('both file names are recognised, and the reader depends only on the content (flow/JSON style reads the same)', () => {
    assert.deepStrictEqual([...CODEMAGIC_YAML_NAMES], ['codemagic.yaml', 'codemagic.yml']);
    const block = readWorkflows(
      'workflows:\n  a:\n    name: A\n    instance_type: linux_x2\n    labels: [x]\n    environment:\n      groups: [g]\n      node: "20"\n',
    );
    const json = readWorkflows(
      '{"workflows": {"a": {"name": "A", "instance_type": "linux_x2", "labels": ["x"], "environment": {"groups": ["g"], "node": "20"}}}}',
    );
    const withoutLine = (r: typeof block) => r.workflows.map(({ line: _line, ...rest }) => rest);
    assert.strictEqual(json.error, undefined);
    assert.deepStrictEqual(withoutLine(json), withoutLine(block));
    assert.strictEqual(json.workflows[0].line, 1);
    assert.strictEqual(block.workflows[0].line, 2);
  });

  suite('errors', () => {
    test('an empty file has no workflows section', () => {
      for (const text of ['', '\n\n', '# only a comment\n', '---\n']) {
        const r = readWorkflows(text);
        assert.deepStrictEqual(r.workflows, [], JSON.stringify(text));
        assert.ok(r.error, JSON.stringify(text));
        assert.match(r.error.message, /workflows/);
      }
    });

    test('a file without workflows:, or whose workflows is not a map, is an error without a line', () => {
      for (const text of [
        'definitions:\n  a: &a {x: 1}\n',
        'workflows:\n',
        'workflows: ~\n',
        'workflows: []\n',
        'workflows: just a string\n',
        '- workflows\n',
        'just text\n',
      ]) {
        const r = readWorkflows(text);
        assert.deepStrictEqual(r.workflows, [], JSON.stringify(text));
        assert.ok(r.error, JSON.stringify(text));
        assert.match(r.error.message, /no `workflows:` section/);
        assert.strictEqual(r.error.line, undefined);
      }
    });

    test('malformed YAML: a tab used as indentation is reported on its own 1-based line', () => {
      const r = readWorkflows('# header\nworkflows:\n  a:\n\tname: x\n');
      assert.deepStrictEqual(r.workflows, []);
      assert.ok(r.error);
      assert.strictEqual(r.error.line, 4);
      assert.match(r.error.message, /tab/i);
    });

    test('malformed YAML: a nested mapping in a compact mapping is reported on its line', () => {
      const text = 'workflows:\n  a:\n    name: x\n\n    labels: y: z\n';
      const r = readWorkflows(text);
      assert.ok(r.error);
      assert.strictEqual(r.error.line, 5);
    });

    test('malformed YAML: items not at the same column are reported on the stray line', () => {
      const r = readWorkflows('workflows:\n  a:\n    name: x\n   bad: [\n');
      assert.ok(r.error);
      assert.strictEqual(r.error.line, 4);
    });

    test('the error message is one line, without the code-frame yaml can print', () => {
      const r = readWorkflows('workflows:\n  a:\n\tname: x\n');
      assert.ok(r.error);
      assert.ok(!r.error.message.includes('\n'), r.error.message);
      assert.strictEqual(r.error.message, r.error.message.trim());
    });

    test('several documents in one file are an error, not a silent pick of one', () => {
      const r = readWorkflows('workflows:\n  a: {}\n---\nworkflows:\n  b: {}\n');
      assert.deepStrictEqual(r.workflows, []);
      assert.ok(r.error);
      assert.ok(r.error.line && r.error.line >= 3, `line ${r.error.line}`);
    });

    test('an alias to an undefined anchor is an error', () => {
      const r = readWorkflows('workflows:\n  a:\n    labels: *missing\n');
      assert.deepStrictEqual(r.workflows, []);
      assert.ok(r.error);
      assert.match(r.error.message, /missing/);
    });

    test('a merge key of an undefined anchor is an error', () => {
      const r = readWorkflows('workflows:\n  a:\n    <<: *missing\n');
      assert.deepStrictEqual(r.workflows, []);
      assert.ok(r.error);
    });

    // Regression: an alias to an undefined or later-defined anchor (a typo such as `<<: *ios_bse`, common in
    // real files) is not a parse error for yaml 2: toJS() throws later, so the error has no line, and
    // for a merge key the message is the misleading "Merge sources must be maps or map aliases"
    // without the anchor's name. See the report for the proposed fix.
    test('an alias to an undefined anchor is reported on the alias line, by name', () => {
      const merge = readWorkflows('definitions:\n  base: &base {}\nworkflows:\n  a:\n    <<: *bsae\n');
      assert.ok(merge.error);
      assert.strictEqual(merge.error.line, 5);
      assert.match(merge.error.message, /bsae/);
      const plain = readWorkflows('workflows:\n  a:\n    name: x\n    labels: *nope\n');
      assert.ok(plain.error);
      assert.strictEqual(plain.error.line, 4);
      assert.match(plain.error.message, /nope/);
      const later = readWorkflows('workflows:\n  a:\n    <<: *base\ndefinitions:\n  base: &base {name: B}\n');
      assert.ok(later.error);
      assert.strictEqual(later.error.line, 3);
      assert.match(later.error.message, /base/);
    });

    test('a "billion laughs" alias bomb is refused quickly instead of expanding', () => {
      const lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
      for (let i = 1; i <= 9; i++) {
        lines.push(
          `lol${i}: &lol${i} [${Array(10)
            .fill(`*lol${i - 1}`)
            .join(', ')}]`,
        );
      }
      lines.push('workflows:', '  boom:', '    labels: *lol9', '');
      const started = process.hrtime.bigint();
      const r = readWorkflows(lines.join('\n'));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(ms < 1000, `took ${ms} ms`);
      assert.deepStrictEqual(r.workflows, []);
      assert.ok(r.error);
      assert.match(r.error.message, /alias/i);
    });

    test('an alias bomb made of merge keys is refused quickly too', () => {
      const lines = ['m0: &m0 {k0: 0}'];
      for (let i = 1; i <= 20; i++) {
        lines.push(
          `m${i}: &m${i}`,
          `  <<: [${Array(10)
            .fill(`*m${i - 1}`)
            .join(', ')}]`,
          `  k${i}: ${i}`,
        );
      }
      lines.push('workflows:', '  boom:', '    <<: *m20', '');
      const started = process.hrtime.bigint();
      const r = readWorkflows(lines.join('\n'));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(ms < 1000, `took ${ms} ms`);
      assert.deepStrictEqual(r.workflows, []);
      assert.ok(r.error);
    });

    test('ordinary use of aliases stays well within the alias budget', () => {
      const lines = ['definitions:', '  env: &env', '    groups: [g]', '    xcode: latest', 'workflows:'];
      for (let i = 0; i < 40; i++) lines.push(`  w${i}:`, '    environment: *env');
      const r = readWorkflows(lines.join('\n') + '\n');
      assert.strictEqual(r.error, undefined);
      assert.strictEqual(r.workflows.length, 40);
      assert.deepStrictEqual(r.workflows[39].groups, ['g']);
    });

    test('a text over 1 MB is refused before parsing', () => {
      const big = 'workflows:\n  a: {}\n' + '#'.repeat(MAX_YAML_BYTES);
      assert.ok(big.length > 1024 * 1024);
      const started = process.hrtime.bigint();
      const r = readWorkflows(big);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.deepStrictEqual(r.workflows, []);
      assert.ok(r.error);
      assert.match(r.error.message, /larger than 1024 KB/);
      assert.strictEqual(r.error.line, undefined);
      assert.ok(ms < 250, `took ${ms} ms: it should not be parsed`);
    });

    test('a text of exactly the limit is still read', () => {
      const head = 'workflows:\n  a: {}\n';
      const text = head + '#'.repeat(MAX_YAML_BYTES - head.length);
      assert.strictEqual(text.length, MAX_YAML_BYTES);
      const r = readWorkflows(text);
      assert.strictEqual(r.error, undefined);
      assert.deepStrictEqual(
        r.workflows.map((w) => w.id),
        ['a'],
      );
    });
  });
});
