import * as assert from 'assert';
import * as crypto from 'crypto';
import { FakeCodemagic, artifactBytes, demoApps, DEMO_TEAM_ID, type FakeApp } from '../fake-codemagic';

const FLUTTER = '60a1b2c3d4e5f6a7b8c9d0e1'; // yaml app: no workflows from the API
const IOS = '60a1b2c3d4e5f6a7b8c9d0e3'; // UI workflows
const IOS_WF = '5d85f242e941e00019e81bd2';
const LEGACY_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;
const V3_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface LegacyError {
  error: string;
}
interface V3Error {
  status_code: number;
  detail: string;
  extra: unknown;
}
interface LegacyApp {
  _id: string;
  appName: string;
  branches?: string[];
  workflowIds: string[];
  workflows: Record<string, { name: string }>;
  repository?: { htmlUrl: string };
}
interface LegacyArtefact {
  name: string;
  type: string;
  url: string;
  size: number;
  md5: string;
}
interface LegacyAction {
  _id: string;
  name: string;
  type: string;
  status: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}
interface LegacyBuild {
  [extra: string]: unknown;
  _id: string;
  appId: string;
  workflowId?: string;
  fileWorkflowId?: string;
  branch: string | null;
  tag: string | null;
  status: string;
  index: number;
  message: string | null;
  instanceType: string;
  labels: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  artefacts: LegacyArtefact[];
  buildActions: LegacyAction[];
  commit?: { hash: string; commitMessage: string };
  environment: { variables: Record<string, string> };
}
interface LegacyBuildResponse {
  application: LegacyApp;
  build: LegacyBuild;
}
interface V3Artifact {
  name: string;
  size_in_bytes: number;
  type: string;
  short_lived_download_url: string;
}
interface V3Build {
  [extra: string]: unknown;
  id: string;
  app_id: string;
  workflow: { id: string; source: string; name: string };
  status: string;
  index: number;
  branch: string | null;
  tag: string | null;
  labels: string[];
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  commit: { hash: string; message: string; author_name: string; url: string | null } | null;
  artifacts: V3Artifact[];
}
interface V3Action {
  id: string;
  name: string;
  type: string;
  status: string | null;
  started_at: string | null;
  finished_at: string | null;
}
interface V3App {
  id: string;
  name: string;
  repository_url?: string;
}
interface PagedApps {
  data: V3App[];
  page_size: number;
  current_page: number;
  total_pages: number;
}
interface CursorBuilds {
  data: V3Build[];
  page_size: number;
  cursor: string | null;
}

async function readJson<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

suite('FakeCodemagic', () => {
  let fake: FakeCodemagic;

  suiteSetup(async () => {
    fake = await FakeCodemagic.start();
  });
  teardown(() => fake.reset());
  suiteTeardown(async () => {
    await fake.close();
  });

  function auth(extra: Record<string, string> = {}): Record<string, string> {
    return { 'x-auth-token': fake.token, ...extra };
  }

  async function legacy(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response> {
    return fetch(fake.url + path, {
      method,
      headers: headers ?? auth(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async function v3(path: string, headers?: Record<string, string>): Promise<Response> {
    return fetch(fake.v3Url + path, { headers: headers ?? auth() });
  }

  async function startBuild(body: Record<string, unknown> = {}): Promise<string> {
    const res = await legacy('POST', '/builds', {
      appId: FLUTTER,
      workflowId: 'android-release',
      branch: 'main',
      ...body,
    });
    assert.strictEqual(res.status, 200, await res.clone().text());
    return (await readJson<{ buildId: string }>(res)).buildId;
  }

  async function getLegacyBuild(id: string): Promise<LegacyBuildResponse> {
    const res = await legacy('GET', `/builds/${id}`);
    assert.strictEqual(res.status, 200);
    return readJson<LegacyBuildResponse>(res);
  }

  async function getV3Build(id: string): Promise<V3Build> {
    const res = await v3(`/builds/${id}`);
    assert.strictEqual(res.status, 200);
    return (await readJson<{ data: V3Build }>(res)).data;
  }

  async function actionsOf(id: string): Promise<V3Action[]> {
    const res = await v3(`/builds/${id}/actions`);
    assert.strictEqual(res.status, 200);
    return (await readJson<{ data: V3Action[] }>(res)).data;
  }

  // --- basics -----------------------------------------------------------------------------------

  suite('basics', () => {
    test('serves both bases on 127.0.0.1 with a real port', () => {
      assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.strictEqual(fake.v3Url, `${fake.url}/api/v3`);
      assert.strictEqual(fake.token, 'test-token');
      assert.strictEqual(fake.storageUrl, undefined);
    });

    test('demoApps: a Flutter, a React Native and a native iOS app, fresh objects each call', () => {
      const apps = demoApps();
      assert.strictEqual(apps.length, 3);
      for (const a of apps) assert.match(a.repositoryUrl ?? '', /^https:\/\/github\.com\/acme\//);
      assert.ok(apps.some((a) => Object.keys(a.workflows ?? {}).length === 0));
      assert.ok(apps.some((a) => Object.keys(a.workflows ?? {}).length > 0));
      apps[0].name = 'changed';
      assert.notStrictEqual(demoApps()[0].name, 'changed');
    });

    test('JSON responses use application/json; charset=utf-8', async () => {
      const res = await legacy('GET', '/apps');
      assert.strictEqual(res.headers.get('content-type'), 'application/json; charset=utf-8');
    });

    test('records every request with lowercase headers, query and parsed body', async () => {
      await fetch(`${fake.url}/apps?foo=1&bar=two`, { headers: { 'X-Auth-Token': 'nope', 'X-Custom': 'Yes' } });
      await legacy('POST', '/builds', { appId: FLUTTER });
      await legacy('POST', '/builds', 'not json{');
      assert.strictEqual(fake.requests.length, 3);
      const [r0, r1, r2] = fake.requests;
      assert.strictEqual(r0.method, 'GET');
      assert.strictEqual(r0.path, '/apps');
      assert.deepStrictEqual(r0.query, { foo: '1', bar: 'two' });
      assert.strictEqual(r0.headers['x-auth-token'], 'nope');
      assert.strictEqual(r0.headers['x-custom'], 'Yes');
      assert.strictEqual(r0.body, undefined);
      assert.strictEqual(r0.rawBody, '');
      assert.deepStrictEqual(r1.body, { appId: FLUTTER });
      assert.strictEqual(r2.body, 'not json{');
      assert.ok(r0.at <= r1.at && r1.at <= r2.at);
      assert.strictEqual(fake.requestsTo('post', '/builds').length, 2);
      assert.strictEqual(fake.requestsTo('GET', /^\/app/).length, 1);
      fake.clearRequests();
      assert.strictEqual(fake.requests.length, 0);
    });
  });

  // --- auth --------------------------------------------------------------------------------------

  suite('auth', () => {
    test('legacy: 401 {error} without token and with a wrong token', async () => {
      for (const headers of [{}, { 'x-auth-token': 'wrong' }] as Array<Record<string, string>>) {
        const res = await legacy('GET', '/apps', undefined, headers);
        assert.strictEqual(res.status, 401);
        assert.deepStrictEqual(await res.json(), { error: 'Unauthorized' });
      }
      const post = await legacy(
        'POST',
        '/builds',
        { appId: FLUTTER, workflowId: 'w', branch: 'main' },
        {
          'content-type': 'application/json',
        },
      );
      assert.strictEqual(post.status, 401);
      assert.strictEqual(fake.builds().length, 0);
    });

    test('v3: 401 {status_code, detail, extra} without token and with a wrong token', async () => {
      for (const headers of [{}, { 'x-auth-token': 'wrong' }] as Array<Record<string, string>>) {
        const res = await v3('/user', headers);
        assert.strictEqual(res.status, 401);
        const body = await readJson<V3Error>(res);
        assert.strictEqual(body.status_code, 401);
        assert.strictEqual(typeof body.detail, 'string');
        assert.strictEqual(body.extra, null);
      }
    });

    test('the token can be changed by tests; reset() restores it', async () => {
      fake.token = 'rotated';
      assert.strictEqual((await legacy('GET', '/apps', undefined, { 'x-auth-token': 'test-token' })).status, 401);
      assert.strictEqual((await legacy('GET', '/apps', undefined, { 'x-auth-token': 'rotated' })).status, 200);
      fake.reset();
      assert.strictEqual(fake.token, 'test-token');
    });

    test('custom token via options', async () => {
      const other = await FakeCodemagic.start({ token: 'abc', apps: [] });
      try {
        const res = await fetch(`${other.url}/apps`, { headers: { 'x-auth-token': 'abc' } });
        assert.deepStrictEqual(await res.json(), { applications: [] });
      } finally {
        await other.close();
      }
    });
  });

  // --- POST /builds ------------------------------------------------------------------------------

  suite('POST /builds validation', () => {
    const base = { appId: FLUTTER, workflowId: 'android-release', branch: 'main' };
    const cases: Array<[string, unknown, RegExp]> = [
      ['missing appId', { workflowId: 'w', branch: 'main' }, /appId/],
      ['empty appId', { ...base, appId: '' }, /appId/],
      ['numeric appId', { ...base, appId: 42 }, /appId/],
      ['missing workflowId', { appId: FLUTTER, branch: 'main' }, /workflowId/],
      ['empty workflowId', { ...base, workflowId: '' }, /workflowId/],
      ['both branch and tag', { ...base, tag: 'v1.0.0' }, /branch.*tag|tag.*branch/],
      ['neither branch nor tag', { appId: FLUTTER, workflowId: 'w' }, /branch.*tag|tag.*branch/],
      ['empty branch', { ...base, branch: '' }, /branch/],
      ['null tag next to a branch', { ...base, tag: null }, /tag/],
      ['environment not an object', { ...base, environment: 'FOO=bar' }, /environment/],
      ['environment is an array', { ...base, environment: [] }, /environment/],
      ['environment.variables not an object', { ...base, environment: { variables: ['A'] } }, /environment\.variables/],
      [
        'environment.variables value not a string',
        { ...base, environment: { variables: { A: 1 } } },
        /environment\.variables/,
      ],
      ['environment.groups not an array', { ...base, environment: { groups: 'prod' } }, /environment\.groups/],
      ['environment.groups with a number', { ...base, environment: { groups: ['a', 2] } }, /environment\.groups/],
      ['environment unknown key', { ...base, environment: { vars: {} } }, /environment\.vars/],
      [
        'softwareVersions bad key',
        { ...base, environment: { softwareVersions: { gradle: '8' } } },
        /softwareVersions\.gradle/,
      ],
      [
        'softwareVersions non-string',
        { ...base, environment: { softwareVersions: { flutter: 3.22 } } },
        /softwareVersions\.flutter/,
      ],
      ['labels not an array', { ...base, labels: 'nightly' }, /labels/],
      ['labels with a number', { ...base, labels: ['a', 1] }, /labels/],
      ['instanceType not a string', { ...base, instanceType: 4 }, /instanceType/],
      ['unknown top-level key', { ...base, workflow_id: 'w' }, /workflow_id/],
      ['body is an array', [base], /object/],
      ['body is null', null, /object/],
    ];
    for (const [name, body, field] of cases) {
      test(`400 {error} for ${name}`, async () => {
        const res = await legacy('POST', '/builds', body);
        assert.strictEqual(res.status, 400);
        assert.strictEqual(res.headers.get('content-type'), 'application/json; charset=utf-8');
        const json = await readJson<LegacyError>(res);
        assert.deepStrictEqual(Object.keys(json), ['error']);
        assert.match(json.error, field);
        assert.strictEqual(fake.builds().length, 0);
      });
    }

    test('400 for invalid JSON', async () => {
      const res = await legacy('POST', '/builds', '{"appId": ');
      assert.strictEqual(res.status, 400);
      assert.match((await readJson<LegacyError>(res)).error, /JSON/);
    });

    test('400 when the body is not sent as application/json', async () => {
      const res = await fetch(`${fake.url}/builds`, {
        method: 'POST',
        headers: auth(), // fetch then sends text/plain;charset=UTF-8
        body: JSON.stringify(base),
      });
      assert.strictEqual(res.status, 400);
      assert.match((await readJson<LegacyError>(res)).error, /content-type/);
    });

    test('404 {error} for an unknown app', async () => {
      const res = await legacy('POST', '/builds', { ...base, appId: 'ffffffffffffffffffffffff' });
      assert.strictEqual(res.status, 404);
      assert.strictEqual(typeof (await readJson<LegacyError>(res)).error, 'string');
    });

    test('200 {buildId} with a Mongo-like id; accepts every optional field', async () => {
      const res = await legacy('POST', '/builds', {
        ...base,
        environment: {
          variables: { FOO: 'bar' },
          groups: ['prod'],
          softwareVersions: {
            xcode: '16.2',
            flutter: '3.24.0',
            cocoapods: 'default',
            node: '20',
            npm: '10',
            ndk: 'r26',
            java: '17',
            ruby: '3.3',
          },
        },
        labels: ['nightly', 'qa'],
        instanceType: 'mac_mini_m2',
      });
      assert.strictEqual(res.status, 200);
      const json = await readJson<{ buildId: string }>(res);
      assert.deepStrictEqual(Object.keys(json), ['buildId']);
      assert.match(json.buildId, /^[0-9a-f]{24}$/);
      const b = fake.build(json.buildId)!;
      assert.strictEqual(b.status, 'queued');
      assert.deepStrictEqual(b.labels, ['nightly', 'qa']);
      assert.strictEqual(b.environment.variables.FOO, 'bar');
      assert.strictEqual(b.environment.softwareVersions.xcode, '16.2');
      assert.strictEqual(b.workflowSource, 'file');
    });

    test('tag builds, any workflow id, per-app incrementing index', async () => {
      const a = await startBuild({ branch: undefined, tag: 'v2.0.0', workflowId: 'ios-release' });
      const b = await startBuild();
      const c = await startBuild({ appId: IOS, workflowId: IOS_WF });
      assert.strictEqual(fake.build(a)!.tag, 'v2.0.0');
      assert.strictEqual(fake.build(a)!.branch, null);
      assert.deepStrictEqual(
        [a, b, c].map((id) => fake.build(id)!.index),
        [1, 2, 1],
      );
      assert.strictEqual(fake.build(c)!.workflowSource, 'ui');
      assert.strictEqual(fake.build(c)!.workflowName, 'Default Workflow');
      assert.notStrictEqual(a, b);
    });
  });

  // --- lifecycle -----------------------------------------------------------------------------------

  suite('build lifecycle', () => {
    test('tick(): queued -> preparing -> building -> finished, with steps and artifacts', async () => {
      const id = await startBuild();
      let v = await getV3Build(id);
      assert.strictEqual(v.status, 'queued');
      assert.strictEqual(v.started_at, null);
      assert.strictEqual(v.commit, null);
      assert.deepStrictEqual(v.artifacts, []);
      assert.deepStrictEqual(await actionsOf(id), []);

      fake.tick();
      v = await getV3Build(id);
      assert.strictEqual(v.status, 'preparing');
      assert.match(v.started_at ?? '', V3_TIME);
      let actions = await actionsOf(id);
      assert.deepStrictEqual(
        actions.map((a) => [a.name, a.status]),
        [['Preparing build machine', null]],
      );

      fake.tick();
      v = await getV3Build(id);
      assert.strictEqual(v.status, 'building');
      assert.strictEqual(v.finished_at, null);
      assert.match(v.commit?.hash ?? '', /^[0-9a-f]{40}$/);
      actions = await actionsOf(id);
      assert.deepStrictEqual(
        actions.map((a) => a.status),
        ['success', 'success', null],
      );

      fake.tick();
      v = await getV3Build(id);
      assert.strictEqual(v.status, 'finished');
      assert.match(v.finished_at ?? '', V3_TIME);
      assert.strictEqual(v.artifacts.length, 2);
      actions = await actionsOf(id);
      assert.deepStrictEqual(
        actions.map((a) => a.status),
        ['success', 'success', 'success', 'success'],
      );
      for (const a of actions) {
        assert.strictEqual(typeof a.id, 'string');
        assert.strictEqual(typeof a.type, 'string');
        assert.match(a.started_at ?? '', V3_TIME);
        assert.match(a.finished_at ?? '', V3_TIME);
      }

      fake.tick(5); // final builds stay final
      assert.strictEqual(fake.build(id)!.status, 'finished');
    });

    test('setNextOutcome: failed and warning', async () => {
      fake.setNextOutcome('failed');
      const failed = await startBuild();
      fake.setNextOutcome('warning');
      const warned = await startBuild();
      fake.tick(3);
      const f = fake.build(failed)!;
      assert.strictEqual(f.status, 'failed');
      assert.notStrictEqual(f.finishedAt, null);
      assert.deepStrictEqual(
        f.steps.map((s) => s.status),
        ['success', 'success', 'failed', 'skipped'],
      );
      assert.deepStrictEqual(f.artifacts, []);
      const w = fake.build(warned)!;
      assert.strictEqual(w.status, 'warning');
      assert.strictEqual(w.artifacts.length, 2);
      fake.reset();
      assert.strictEqual(fake.build(await startBuild())!.outcome, 'finished');
    });

    test('auto-advance with tickMs', async () => {
      const auto = await FakeCodemagic.start({ tickMs: 15 });
      try {
        const res = await fetch(`${auto.url}/builds`, {
          method: 'POST',
          headers: { 'x-auth-token': auto.token, 'content-type': 'application/json' },
          body: JSON.stringify({ appId: FLUTTER, workflowId: 'w', branch: 'main' }),
        });
        const { buildId } = await readJson<{ buildId: string }>(res);
        const deadline = Date.now() + 1000;
        while (auto.build(buildId)!.status !== 'finished' && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
        assert.strictEqual(auto.build(buildId)!.status, 'finished');
      } finally {
        await auto.close();
      }
    });

    test('cancel: 200 {} then 208 with an empty body; 404 for unknown builds', async () => {
      const id = await startBuild();
      fake.tick();
      const first = await legacy('POST', `/builds/${id}/cancel`, undefined, auth());
      assert.strictEqual(first.status, 200);
      assert.deepStrictEqual(await first.json(), {});
      const b = fake.build(id)!;
      assert.strictEqual(b.status, 'canceled');
      assert.notStrictEqual(b.finishedAt, null);
      assert.deepStrictEqual(
        b.steps.map((s) => s.status),
        ['canceled', 'skipped', 'skipped', 'skipped'],
      );
      const second = await legacy('POST', `/builds/${id}/cancel`, undefined, auth());
      assert.strictEqual(second.status, 208);
      assert.strictEqual(await second.text(), '');
      fake.tick();
      assert.strictEqual(fake.build(id)!.status, 'canceled');

      const unknown = await legacy('POST', '/builds/ffffffffffffffffffffffff/cancel', undefined, auth());
      assert.strictEqual(unknown.status, 404);
      assert.strictEqual(typeof (await readJson<LegacyError>(unknown)).error, 'string');
    });

    test('cancel of a queued build; 208 for a build that finished', async () => {
      const queued = await startBuild();
      assert.strictEqual((await legacy('POST', `/builds/${queued}/cancel`, undefined, auth())).status, 200);
      assert.deepStrictEqual(fake.build(queued)!.steps, []);
      assert.strictEqual(fake.build(queued)!.startedAt, null);
      const done = fake.createBuild({ status: 'finished' });
      assert.strictEqual((await legacy('POST', `/builds/${done}/cancel`, undefined, auth())).status, 208);
    });

    test('createBuild seeds any status', () => {
      const finished = fake.build(
        fake.createBuild({ appId: IOS, status: 'finished', createdAt: '2024-05-01T10:00:00Z' }),
      )!;
      assert.strictEqual(finished.createdAt, Date.parse('2024-05-01T10:00:00Z'));
      assert.ok(finished.startedAt! > finished.createdAt && finished.finishedAt! > finished.startedAt!);
      assert.deepStrictEqual(
        finished.artifacts.map((a) => a.name),
        ['IosNotes.ipa', 'IosNotes.app.dSYM.zip'],
      );
      assert.strictEqual(finished.workflowSource, 'ui');

      const unknown = fake.build(fake.createBuild({ status: 'some_future_status' }))!;
      assert.strictEqual(unknown.status, 'some_future_status');
      assert.strictEqual(unknown.finishedAt, null);
      fake.tick();
      assert.strictEqual(unknown.status, 'finished');

      const timeout = fake.build(fake.createBuild({ status: 'timeout', tag: 'v1' }))!;
      assert.strictEqual(timeout.status, 'timeout');
      assert.strictEqual(timeout.branch, null);
      assert.notStrictEqual(timeout.finishedAt, null);

      const building = fake.build(fake.createBuild({ status: 'building', outcome: 'failed' }))!;
      assert.deepStrictEqual(
        building.steps.map((s) => s.status),
        ['success', 'success', null],
      );
      fake.tick();
      assert.strictEqual(building.status, 'failed');

      assert.throws(() => fake.createBuild({ appId: 'nope' }));
      assert.strictEqual(fake.builds().length, 4);
    });
  });

  // --- legacy reads ---------------------------------------------------------------------------------

  suite('legacy reads', () => {
    test('GET /apps', async () => {
      const res = await legacy('GET', '/apps');
      assert.strictEqual(res.status, 200);
      const { applications } = await readJson<{ applications: LegacyApp[] }>(res);
      assert.strictEqual(applications.length, 3);
      const flutter = applications.find((a) => a._id === FLUTTER)!;
      assert.strictEqual(flutter.appName, 'Flutter Shop');
      assert.deepStrictEqual(flutter.workflowIds, []);
      assert.deepStrictEqual(flutter.workflows, {});
      assert.strictEqual(flutter.repository?.htmlUrl, 'https://github.com/acme/flutter-shop');
      const ios = applications.find((a) => a._id === IOS)!;
      assert.deepStrictEqual(ios.workflowIds, [IOS_WF, '5d85f242e941e00019e81bd3']);
      assert.deepStrictEqual(ios.workflows[IOS_WF], { name: 'Default Workflow' });
    });

    test('GET /apps/:id and 404', async () => {
      const res = await legacy('GET', `/apps/${IOS}`);
      const { application } = await readJson<{ application: LegacyApp }>(res);
      assert.strictEqual(application._id, IOS);
      assert.strictEqual(application.appName, 'iOS Notes');
      assert.deepStrictEqual(application.branches, ['main', 'develop']);
      assert.ok(Array.isArray(application.workflowIds));
      assert.strictEqual(typeof application.workflows, 'object');
      const missing = await legacy('GET', '/apps/ffffffffffffffffffffffff');
      assert.strictEqual(missing.status, 404);
      assert.strictEqual(typeof (await readJson<LegacyError>(missing)).error, 'string');
    });

    test('addApp', async () => {
      const app: FakeApp = { id: 'abcabcabcabcabcabcabcabc', name: 'Extra', branches: ['trunk'] };
      fake.addApp(app);
      const { application } = await readJson<{ application: LegacyApp }>(await legacy('GET', `/apps/${app.id}`));
      assert.deepStrictEqual(application.workflowIds, []);
      assert.strictEqual(application.repository, undefined);
      fake.reset(); // apps back to the seed list
      assert.strictEqual((await legacy('GET', `/apps/${app.id}`)).status, 404);
    });

    test('GET /builds/:id: legacy field names, file vs ui workflow, secrets, unknown fields', async () => {
      const yamlId = await startBuild({ labels: ['qa'], environment: { variables: { MY_VAR: 'x' } } });
      fake.tick(3);
      const { application, build } = await getLegacyBuild(yamlId);
      assert.strictEqual(application._id, FLUTTER);
      assert.strictEqual(build._id, yamlId);
      assert.strictEqual(build.appId, FLUTTER);
      assert.strictEqual(build.fileWorkflowId, 'android-release');
      assert.strictEqual(build.workflowId, undefined);
      assert.strictEqual(build.branch, 'main');
      assert.strictEqual(build.tag, null);
      assert.strictEqual(build.status, 'finished');
      assert.strictEqual(build.index, 1);
      assert.strictEqual(typeof build.message, 'string');
      assert.strictEqual(build.instanceType, 'mac_mini_m2');
      assert.deepStrictEqual(build.labels, ['qa']);
      for (const t of [build.createdAt, build.startedAt, build.finishedAt]) assert.match(t ?? '', LEGACY_TIME);
      assert.strictEqual(build.artefacts.length, 2);
      for (const a of build.artefacts) {
        assert.deepStrictEqual(
          ['md5', 'name', 'size', 'type', 'url'].every((k) => k in a),
          true,
        );
        assert.ok(a.url.startsWith(`${fake.url}/artifacts/`));
      }
      assert.deepStrictEqual(
        build.buildActions.map((s) => s.name),
        ['Preparing build machine', 'Fetching app sources', 'Building', 'Publishing'],
      );
      for (const s of build.buildActions) {
        assert.strictEqual(s.status, 'success');
        assert.match(s.startedAt ?? '', LEGACY_TIME);
        assert.strictEqual(typeof s._id, 'string');
      }
      assert.match(build.commit?.hash ?? '', /^[0-9a-f]{40}$/);
      assert.strictEqual(typeof build.commit?.commitMessage, 'string');
      assert.strictEqual(build.environment.variables.MY_VAR, 'x');
      assert.strictEqual(build.environment.variables.CM_KEYSTORE_PASSWORD, 'demo-keystore-secret-do-not-leak');
      assert.ok('config' in build && 'startedBy' in build, 'unknown extra fields present');

      const uiId = await startBuild({ appId: IOS, workflowId: IOS_WF });
      const ui = (await getLegacyBuild(uiId)).build;
      assert.strictEqual(ui.workflowId, IOS_WF);
      assert.strictEqual(ui.fileWorkflowId, undefined);
      assert.strictEqual(ui.startedAt, null);
      assert.strictEqual(ui.finishedAt, null);
      assert.deepStrictEqual(ui.artefacts, []);
    });

    test('404 for unknown build and unknown route', async () => {
      const res = await legacy('GET', '/builds/ffffffffffffffffffffffff');
      assert.strictEqual(res.status, 404);
      assert.strictEqual(typeof (await readJson<LegacyError>(res)).error, 'string');
      const route = await legacy('GET', '/nope');
      assert.strictEqual(route.status, 404);
      assert.strictEqual(typeof (await readJson<LegacyError>(route)).error, 'string');
      assert.strictEqual((await legacy('GET', '/builds')).status, 404);
    });
  });

  // --- v3 -----------------------------------------------------------------------------------------

  suite('v3', () => {
    test('GET /user', async () => {
      const res = await v3('/user');
      assert.strictEqual(res.status, 200);
      const { data } = await readJson<{ data: Record<string, unknown> }>(res);
      assert.deepStrictEqual(Object.keys(data).sort(), ['email', 'id', 'name']);
    });

    test('GET /user/apps paginates', async () => {
      const p1 = await readJson<PagedApps>(await v3('/user/apps?page=1&page_size=2'));
      assert.deepStrictEqual([p1.page_size, p1.current_page, p1.total_pages, p1.data.length], [2, 1, 2, 2]);
      assert.deepStrictEqual(p1.data[0], {
        id: FLUTTER,
        name: 'Flutter Shop',
        repository_url: 'https://github.com/acme/flutter-shop',
      });
      const p2 = await readJson<PagedApps>(await v3('/user/apps?page=2&page_size=2'));
      assert.deepStrictEqual(
        p2.data.map((a) => a.id),
        [IOS],
      );
      assert.strictEqual(p2.current_page, 2);
      const p3 = await readJson<PagedApps>(await v3('/user/apps?page=3&page_size=2'));
      assert.deepStrictEqual(p3.data, []);
      const dflt = await readJson<PagedApps>(await v3('/user/apps'));
      assert.deepStrictEqual([dflt.current_page, dflt.total_pages, dflt.data.length], [1, 1, 3]);
      for (const bad of ['page=0', 'page=x', 'page_size=0', 'page_size=1000']) {
        const res = await v3(`/user/apps?${bad}`);
        assert.strictEqual(res.status, 422, bad);
        assert.strictEqual((await readJson<V3Error>(res)).status_code, 422);
      }
    });

    test('GET /builds/{id}: v3 fields', async () => {
      const id = await startBuild({ labels: ['x'] });
      let b = await getV3Build(id);
      assert.strictEqual(b.id, id);
      assert.strictEqual(b.app_id, FLUTTER);
      assert.deepStrictEqual(b.workflow, { id: 'android-release', source: 'file', name: 'android-release' });
      assert.strictEqual(b.index, 1);
      assert.strictEqual(b.branch, 'main');
      assert.strictEqual(b.tag, null);
      assert.deepStrictEqual(b.labels, ['x']);
      assert.match(b.created_at, V3_TIME);
      assert.strictEqual(b.finished_at, null);
      assert.strictEqual(b.environment, undefined);
      assert.ok('instance_type' in b && 'triggered_by' in b, 'unknown extra fields present');
      fake.tick(3);
      b = await getV3Build(id);
      assert.deepStrictEqual(Object.keys(b.commit ?? {}).sort(), ['author_name', 'hash', 'message', 'url']);
      for (const a of b.artifacts) {
        assert.deepStrictEqual(Object.keys(a).sort(), ['name', 'short_lived_download_url', 'size_in_bytes', 'type']);
      }
      const ui = await getV3Build(fake.createBuild({ appId: IOS, workflowId: IOS_WF }));
      assert.deepStrictEqual(ui.workflow, { id: IOS_WF, source: 'ui', name: 'Default Workflow' });
    });

    test('404s in v3 style', async () => {
      for (const path of [
        '/builds/ffffffffffffffffffffffff',
        '/builds/ffffffffffffffffffffffff/actions',
        '/nope',
        '/teams/unknown/builds',
      ]) {
        const res = await v3(path);
        assert.strictEqual(res.status, 404, path);
        const body = await readJson<V3Error>(res);
        assert.strictEqual(body.status_code, 404);
        assert.strictEqual(typeof body.detail, 'string');
        assert.ok('extra' in body);
      }
    });

    test('v3Enabled=false: every /api/v3 path answers 404 Not Found; legacy still works', async () => {
      fake.v3Enabled = false;
      for (const path of ['/user', '/user/apps', '/builds/x']) {
        const res = await v3(path);
        assert.strictEqual(res.status, 404);
        assert.deepStrictEqual(await res.json(), { status_code: 404, detail: 'Not Found', extra: null });
      }
      assert.strictEqual((await legacy('GET', '/apps')).status, 200);
      fake.reset();
      assert.strictEqual(fake.v3Enabled, true);
    });

    test('GET /teams/{teamId}/builds: filters and cursor pagination', async () => {
      assert.strictEqual(fake.teamId, DEMO_TEAM_ID);
      const t0 = Date.parse('2024-01-01T00:00:00Z');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          fake.createBuild({
            appId: i % 2 ? IOS : FLUTTER,
            workflowId: i % 2 ? IOS_WF : 'release',
            branch: i < 3 ? 'main' : 'develop',
            labels: i === 4 ? ['nightly'] : [],
            status: i === 0 ? 'failed' : 'finished',
            createdAt: t0 + i * 1000,
          }),
        );
      }
      const tag = fake.createBuild({ appId: FLUTTER, tag: 'v1.2.3', status: 'queued', createdAt: t0 + 10_000 });
      const list = async (q: string): Promise<CursorBuilds> =>
        readJson<CursorBuilds>(await v3(`/teams/${fake.teamId}/builds${q}`));

      const all = await list('');
      assert.deepStrictEqual(
        all.data.map((b) => b.id),
        [tag, ...[...ids].reverse()],
      );
      assert.strictEqual(all.cursor, null);
      assert.strictEqual(all.page_size, 20);

      assert.deepStrictEqual(
        (await list(`?app_id=${IOS}`)).data.map((b) => b.id),
        [ids[3], ids[1]],
      );
      assert.deepStrictEqual((await list(`?workflow_id=release`)).data.length, 3);
      assert.deepStrictEqual(
        (await list('?branch=develop')).data.map((b) => b.id),
        [ids[4], ids[3]],
      );
      assert.deepStrictEqual(
        (await list('?tag=v1.2.3')).data.map((b) => b.id),
        [tag],
      );
      assert.deepStrictEqual(
        (await list('?status=failed')).data.map((b) => b.id),
        [ids[0]],
      );
      assert.deepStrictEqual(
        (await list('?label=nightly')).data.map((b) => b.id),
        [ids[4]],
      );
      assert.deepStrictEqual(
        (await list(`?app_id=${FLUTTER}&branch=main`)).data.map((b) => b.id),
        [ids[2], ids[0]],
      );

      const seen: string[] = [];
      let cursor: string | null = '';
      let pages = 0;
      while (cursor !== null) {
        const page: CursorBuilds = await list(`?page_size=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.strictEqual(page.page_size, 4);
        seen.push(...page.data.map((b) => b.id));
        cursor = page.cursor;
        pages++;
      }
      assert.strictEqual(pages, 2);
      assert.deepStrictEqual(
        seen,
        all.data.map((b) => b.id),
      );

      assert.strictEqual((await v3(`/teams/${fake.teamId}/builds?cursor=garbage`)).status, 422);
    });
  });

  // --- artifacts -------------------------------------------------------------------------------------

  suite('artifacts', () => {
    test('artifactBytes is deterministic and matches size/md5', () => {
      const a = artifactBytes('abc', 'app-release.apk');
      assert.ok(a.equals(artifactBytes('abc', 'app-release.apk')));
      assert.ok(!a.equals(artifactBytes('abd', 'app-release.apk')));
      const b = fake.build(fake.createBuild({ status: 'finished' }))!;
      for (const art of b.artifacts) {
        const bytes = fake.artifactBytes(b.id, art.name);
        assert.strictEqual(bytes.length, art.size);
        assert.strictEqual(crypto.createHash('md5').update(bytes).digest('hex'), art.md5);
      }
    });

    test('legacy artefact url: bytes with the token, 401 without', async () => {
      const id = fake.createBuild({ status: 'finished' });
      const { build } = await getLegacyBuild(id);
      const art = build.artefacts[0];
      assert.strictEqual(art.name, 'app-release.apk');
      const res = await fetch(art.url, { headers: auth() });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.headers.get('content-type'), 'application/octet-stream');
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.ok(bytes.equals(artifactBytes(id, 'app-release.apk')));
      assert.strictEqual(bytes.length, art.size);
      assert.strictEqual((await fetch(art.url)).status, 401);
      assert.strictEqual((await fetch(`${fake.url}/artifacts/a/b/missing.apk`, { headers: auth() })).status, 404);
    });

    test('public-url: validation, then a tokenless URL on the same host', async () => {
      const id = fake.createBuild({ status: 'finished' });
      const art = (await getLegacyBuild(id)).build.artefacts[1];
      const secure = art.url.slice(`${fake.url}/artifacts/`.length);
      const post = (body: unknown): Promise<Response> => legacy('POST', `/artifacts/${secure}/public-url`, body);
      const now = Math.floor(Date.now() / 1000);
      for (const bad of [{}, { expiresAt: now - 10 }, { expiresAt: String(now + 60) }, { expiresAt: now + 60.5 }]) {
        const res = await post(bad);
        assert.strictEqual(res.status, 400, JSON.stringify(bad));
        assert.match((await readJson<LegacyError>(res)).error, /expiresAt/);
      }
      const res = await post({ expiresAt: now + 3600 });
      assert.strictEqual(res.status, 200);
      const json = await readJson<{ url: string; expiresAt: number }>(res);
      assert.strictEqual(json.expiresAt, now + 3600);
      assert.ok(json.url.startsWith(`${fake.url}/`));
      const dl = await fetch(json.url);
      assert.strictEqual(dl.status, 200);
      assert.ok(Buffer.from(await dl.arrayBuffer()).equals(artifactBytes(id, art.name)));
      const missing = await legacy('POST', '/artifacts/x/y/nope.apk/public-url', { expiresAt: now + 60 });
      assert.strictEqual(missing.status, 404);
    });

    test('v3 short_lived_download_url works without a token', async () => {
      const id = fake.createBuild({ appId: IOS, status: 'finished' });
      const b = await getV3Build(id);
      const ipa = b.artifacts.find((a) => a.name === 'IosNotes.ipa')!;
      assert.strictEqual(ipa.type, 'ipa');
      const res = await fetch(ipa.short_lived_download_url);
      assert.strictEqual(res.status, 200);
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.strictEqual(bytes.length, ipa.size_in_bytes);
      assert.ok(bytes.equals(artifactBytes(id, 'IosNotes.ipa')));
      assert.strictEqual((await fetch(`${fake.url}/storage/nope/IosNotes.ipa`)).status, 404);
    });

    test('artifactHostSeparate: tokenless URLs on a second server with its own request log', async () => {
      const sep = await FakeCodemagic.start({ artifactHostSeparate: true });
      try {
        assert.ok(sep.storageUrl);
        assert.notStrictEqual(sep.storageUrl, sep.url);
        const id = sep.createBuild({ status: 'finished' });
        const h = { 'x-auth-token': sep.token };
        const v = (await readJson<{ data: V3Build }>(await fetch(`${sep.v3Url}/builds/${id}`, { headers: h }))).data;
        const url = v.artifacts[0].short_lived_download_url;
        assert.ok(url.startsWith(`${sep.storageUrl}/`));
        const dl = await fetch(url);
        assert.ok(Buffer.from(await dl.arrayBuffer()).equals(artifactBytes(id, v.artifacts[0].name)));

        const legacyBuild = (
          await readJson<LegacyBuildResponse>(await fetch(`${sep.url}/builds/${id}`, { headers: h }))
        ).build;
        const secure = legacyBuild.artefacts[1].url.slice(`${sep.url}/artifacts/`.length);
        const pub = await fetch(`${sep.url}/artifacts/${secure}/public-url`, {
          method: 'POST',
          headers: { ...h, 'content-type': 'application/json' },
          body: JSON.stringify({ expiresAt: Math.floor(Date.now() / 1000) + 600 }),
        });
        const pubUrl = (await readJson<{ url: string }>(pub)).url;
        assert.ok(pubUrl.startsWith(`${sep.storageUrl}/`));
        assert.strictEqual((await fetch(pubUrl)).status, 200);

        assert.strictEqual(sep.storageRequests.length, 2);
        assert.ok(sep.storageRequests.every((r) => r.headers['x-auth-token'] === undefined));
        assert.ok(sep.requests.every((r) => !r.path.startsWith('/storage/')));
        // The API host does not serve storage paths.
        const path = new URL(url).pathname;
        assert.strictEqual((await fetch(sep.url + path, { headers: h })).status, 404);
        // Storage faults.
        sep.addFault({ host: 'storage', fault: { kind: 'status', status: 503 } });
        assert.strictEqual((await fetch(url)).status, 503);
        assert.strictEqual((await fetch(`${sep.url}/apps`, { headers: h })).status, 200);
      } finally {
        await sep.close();
      }
    });
  });

  // --- faults -----------------------------------------------------------------------------------------

  suite('faults', () => {
    test('delay', async () => {
      fake.addFault({ path: '/apps', fault: { kind: 'delay', ms: 120 } });
      const t = Date.now();
      const res = await legacy('GET', '/apps');
      assert.ok(Date.now() - t >= 100);
      assert.strictEqual(res.status, 200);
      assert.strictEqual((await readJson<{ applications: LegacyApp[] }>(res)).applications.length, 3);
    });

    test('status: default bodies per API style, custom body and headers', async () => {
      fake.addFault({ fault: { kind: 'status', status: 503 } });
      const l = await legacy('GET', '/apps');
      assert.strictEqual(l.status, 503);
      assert.deepStrictEqual(await l.json(), { error: 'Service Unavailable' });
      const v = await v3('/user');
      assert.strictEqual(v.status, 503);
      assert.deepStrictEqual(await v.json(), { status_code: 503, detail: 'Service Unavailable', extra: null });
      fake.clearFaults();
      fake.addFault({
        method: 'GET',
        path: '/apps',
        fault: { kind: 'status', status: 500, body: { oops: 1 }, headers: { 'x-request-id': 'r1' } },
      });
      const c = await legacy('GET', '/apps');
      assert.strictEqual(c.status, 500);
      assert.strictEqual(c.headers.get('x-request-id'), 'r1');
      assert.deepStrictEqual(await c.json(), { oops: 1 });
    });

    test('rateLimit with and without retry-after', async () => {
      fake.addFault({ times: 1, fault: { kind: 'rateLimit', resetSeconds: 42 } });
      fake.addFault({ times: 1, fault: { kind: 'rateLimit', resetSeconds: 7, retryAfter: true } });
      const a = await legacy('GET', '/apps');
      assert.strictEqual(a.status, 429);
      assert.strictEqual(a.headers.get('ratelimit-limit'), '5000');
      assert.strictEqual(a.headers.get('ratelimit-remaining'), '0');
      assert.strictEqual(a.headers.get('ratelimit-reset'), '42');
      assert.strictEqual(a.headers.get('retry-after'), null);
      assert.strictEqual(typeof (await readJson<LegacyError>(a)).error, 'string');
      const b = await v3('/user');
      assert.strictEqual(b.status, 429);
      assert.strictEqual(b.headers.get('retry-after'), '7');
      assert.strictEqual((await readJson<V3Error>(b)).status_code, 429);
      assert.strictEqual((await legacy('GET', '/apps')).status, 200);
    });

    test('malformed JSON', async () => {
      fake.addFault({ fault: { kind: 'malformed' } });
      const res = await v3('/user');
      assert.strictEqual(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      await assert.rejects(res.json());
    });

    test('html error page', async () => {
      fake.addFault({ fault: { kind: 'html' } });
      const res = await legacy('GET', '/apps');
      assert.strictEqual(res.status, 502);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await res.text(), /<html>/);
    });

    test('empty body', async () => {
      fake.addFault({ times: 1, fault: { kind: 'empty' } });
      fake.addFault({ times: 1, fault: { kind: 'empty', status: 500 } });
      const a = await legacy('GET', '/apps');
      assert.strictEqual(a.status, 200);
      assert.strictEqual(await a.text(), '');
      const b = await legacy('GET', '/apps');
      assert.strictEqual(b.status, 500);
      assert.strictEqual(await b.text(), '');
    });

    test('reset before responding', async () => {
      fake.addFault({ times: 1, fault: { kind: 'reset' } });
      await assert.rejects(legacy('GET', '/apps'));
      assert.strictEqual((await legacy('GET', '/apps')).status, 200);
    });

    test('resetMidBody: headers arrive, the body fails; the request was still handled', async () => {
      const id = fake.createBuild({ status: 'finished' });
      const url = (await getLegacyBuild(id)).build.artefacts[0].url;
      fake.addFault({ path: /^\/artifacts\//, times: 1, fault: { kind: 'resetMidBody' } });
      const res = await fetch(url, { headers: auth() });
      assert.strictEqual(res.status, 200);
      await assert.rejects(res.arrayBuffer());

      fake.addFault({ method: 'POST', path: '/builds', times: 1, fault: { kind: 'resetMidBody' } });
      const before = fake.builds().length;
      const post = await legacy('POST', '/builds', { appId: FLUTTER, workflowId: 'w', branch: 'main' });
      await assert.rejects(post.text());
      assert.strictEqual(fake.builds().length, before + 1);
    });

    test('hang until the client gives up; close() ends hanging sockets', async () => {
      const other = await FakeCodemagic.start();
      other.addFault({ fault: { kind: 'hang' } });
      await assert.rejects(fetch(`${other.url}/apps`, { signal: AbortSignal.timeout(100) }));
      const pending = fetch(`${other.url}/apps`).then(
        () => 'answered',
        () => 'failed',
      );
      await new Promise((r) => setTimeout(r, 20));
      await other.close();
      assert.strictEqual(await pending, 'failed');
      await other.close(); // idempotent
    });

    test('matching: method, string path, regex, times; faults come before auth and are recorded', async () => {
      fake.addFault({
        method: 'POST',
        path: /^\/builds\/[^/]+\/cancel$/,
        times: 2,
        fault: { kind: 'status', status: 502 },
      });
      const cancel = (): Promise<Response> => legacy('POST', '/builds/abc/cancel', undefined, {});
      assert.strictEqual((await cancel()).status, 502); // no token, still the fault
      assert.strictEqual((await cancel()).status, 502);
      assert.strictEqual((await cancel()).status, 401);
      assert.strictEqual((await legacy('GET', '/builds/abc/cancel')).status, 404); // method did not match
      assert.strictEqual(fake.requestsTo('POST', /cancel$/).length, 3);

      fake.addFault({ path: '/api/v3/user', fault: { kind: 'status', status: 500 } });
      assert.strictEqual((await v3('/user')).status, 500);
      assert.strictEqual((await v3('/user/apps')).status, 200);
      fake.addFault({ path: '/apps', fault: { kind: 'status', status: 503 } }); // first matching rule wins
      fake.addFault({ path: '/apps', fault: { kind: 'status', status: 504 } });
      assert.strictEqual((await legacy('GET', '/apps')).status, 503);
      fake.clearFaults();
      assert.strictEqual((await v3('/user')).status, 200);
    });

    test('reset() clears builds, faults and requests', async () => {
      await startBuild();
      fake.addFault({ fault: { kind: 'status', status: 500 } });
      fake.reset();
      assert.strictEqual(fake.builds().length, 0);
      assert.strictEqual(fake.requests.length, 0);
      assert.strictEqual((await legacy('GET', '/apps')).status, 200);
      assert.strictEqual(fake.build(await startBuild())!.index, 1);
    });
  });
});
