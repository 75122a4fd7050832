import * as assert from 'assert';
import { appsMatchingRemotes, repoKey } from '../../src/core/remotes';

suite('core/remotes: repoKey', () => {
  const cases: [string, string][] = [
    // https
    ['https://github.com/owner/repo', 'github.com/owner/repo'],
    ['https://github.com/owner/repo.git', 'github.com/owner/repo'],
    ['https://github.com/owner/repo/', 'github.com/owner/repo'],
    ['https://github.com/owner/repo.git/', 'github.com/owner/repo'],
    ['http://github.com/owner/repo', 'github.com/owner/repo'],
    ['https://user@bitbucket.org/owner/repo.git', 'bitbucket.org/owner/repo'],
    ['https://x-access-token:secret@github.com/owner/repo.git', 'github.com/owner/repo'],
    ['https://github.com:443/owner/repo', 'github.com/owner/repo'],
    ['https://github.com/owner/repo?tab=readme#top', 'github.com/owner/repo'],
    // ssh://
    ['ssh://git@github.com/owner/repo.git', 'github.com/owner/repo'],
    ['ssh://git@github.com:2222/owner/repo.git', 'github.com/owner/repo'],
    ['ssh://git@gitlab.example.com:7999/owner/repo', 'gitlab.example.com/owner/repo'],
    ['git://github.com/owner/repo.git', 'github.com/owner/repo'],
    // scp-style
    ['git@github.com:owner/repo.git', 'github.com/owner/repo'],
    ['git@github.com:owner/repo', 'github.com/owner/repo'],
    ['git@github.com:/owner/repo.git', 'github.com/owner/repo'],
    ['github.com:owner/repo.git', 'github.com/owner/repo'],
    ['org-123@github.com:owner/repo.git/', 'github.com/owner/repo'],
    // GitLab subgroups
    ['https://gitlab.com/group/subgroup/repo.git', 'gitlab.com/group/subgroup/repo'],
    ['git@gitlab.com:group/subgroup/deeper/repo.git', 'gitlab.com/group/subgroup/deeper/repo'],
    ['ssh://git@gitlab.com:22/group/subgroup/repo.git', 'gitlab.com/group/subgroup/repo'],
    // case and whitespace
    ['https://GitHub.com/Owner/Repo.GIT', 'github.com/owner/repo'],
    ['GIT@GITHUB.COM:OWNER/REPO.git', 'github.com/owner/repo'],
    ['  https://github.com/owner/repo.git\n', 'github.com/owner/repo'],
  ];
  for (const [url, key] of cases) {
    test(`${JSON.stringify(url)} -> ${key}`, () => {
      assert.strictEqual(repoKey(url), key);
    });
  }

  test('the three styles of one repository give one key', () => {
    const keys = new Set(
      [
        'https://github.com/Acme/Mobile-App.git',
        'https://me@github.com/acme/mobile-app',
        'ssh://git@github.com:22/acme/mobile-app.git',
        'git@github.com:ACME/mobile-app.git',
      ].map(repoKey),
    );
    assert.deepStrictEqual([...keys], ['github.com/acme/mobile-app']);
  });

  test('different hosts, owners or subgroups give different keys', () => {
    const keys = [
      'https://github.com/acme/app',
      'https://gitlab.com/acme/app',
      'https://github.com/other/app',
      'https://gitlab.com/acme/sub/app',
      'https://github.com/acme/app2',
    ].map(repoKey);
    assert.strictEqual(new Set(keys).size, keys.length);
  });

  const garbage: (string | undefined)[] = [
    undefined,
    '',
    '   ',
    'not a url',
    'https://github.com',
    'https://github.com/',
    'https://github.com/.git',
    'git@github.com:',
    'git@github.com:/',
    'file:///home/me/repo',
    '/home/me/repo',
    './relative/repo',
    '://nohost/x',
  ];
  for (const g of garbage) {
    test(`${JSON.stringify(g)} -> undefined`, () => {
      assert.strictEqual(repoKey(g), undefined);
    });
  }
});

suite('core/remotes: appsMatchingRemotes', () => {
  interface A {
    id: string;
    repositoryUrl?: string;
  }
  const apps: A[] = [
    { id: 'flutter', repositoryUrl: 'https://github.com/acme/flutter-app' },
    { id: 'flutter-fork', repositoryUrl: 'https://github.com/me/flutter-app.git' },
    { id: 'ios', repositoryUrl: 'git@gitlab.com:acme/mobile/ios.git' },
    { id: 'no-repo' },
    { id: 'bad-repo', repositoryUrl: 'not a url' },
  ];

  test('no remote, or no matching remote: no app', () => {
    assert.deepStrictEqual(appsMatchingRemotes(apps, []), []);
    assert.deepStrictEqual(appsMatchingRemotes(apps, ['https://github.com/acme/other.git']), []);
  });

  test('garbage remotes match nothing, not even apps without a repository', () => {
    assert.deepStrictEqual(appsMatchingRemotes(apps, ['', 'not a url', 'garbage']), []);
  });

  test('one match across URL styles and case', () => {
    assert.deepStrictEqual(
      appsMatchingRemotes(apps, ['git@github.com:Acme/Flutter-App.git']).map((a) => a.id),
      ['flutter'],
    );
    assert.deepStrictEqual(
      appsMatchingRemotes(apps, ['https://gitlab.com/acme/mobile/ios']).map((a) => a.id),
      ['ios'],
    );
  });

  test('two matches: origin and upstream remotes, in the order of the apps', () => {
    const m = appsMatchingRemotes(apps, [
      'git@github.com:me/flutter-app.git', // origin (the fork)
      'https://github.com/acme/flutter-app.git', // upstream
    ]);
    assert.deepStrictEqual(
      m.map((a) => a.id),
      ['flutter', 'flutter-fork'],
    );
  });

  test('two apps on the same repository both match one remote', () => {
    const twins: A[] = [
      { id: 'a', repositoryUrl: 'https://github.com/acme/mono.git' },
      { id: 'b', repositoryUrl: 'git@github.com:acme/mono.git' },
      { id: 'c', repositoryUrl: 'https://github.com/acme/other' },
    ];
    assert.deepStrictEqual(
      appsMatchingRemotes(twins, ['ssh://git@github.com/acme/mono']).map((a) => a.id),
      ['a', 'b'],
    );
  });

  test('returns the app objects themselves and does not modify the input', () => {
    const copy = apps.map((a) => ({ ...a }));
    const m = appsMatchingRemotes(apps, ['https://github.com/acme/flutter-app']);
    assert.strictEqual(m[0], apps[0]);
    assert.deepStrictEqual(apps, copy);
  });
});
