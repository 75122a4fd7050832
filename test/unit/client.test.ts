/**
 * Unit tests of the pure Codemagic client (src/api) against the fake Codemagic over real HTTP.
 * No real sleeps: the client gets a fake `sleep` that records every wait; only timeout tests
 * wait for real (timeoutMs of ~100 ms).
 */
import * as assert from 'assert';
import * as net from 'net';
import {
  CodemagicApiError,
  CodemagicClient,
  isApiError,
  retryAfterMs,
  type ApiErrorKind,
  type Build,
  type ClientOptions,
} from '../../src/api';
import { FakeCodemagic, demoApps, type Fault } from '../fake-codemagic';

const TOKEN = 'cmtok_S3cr3t-7f2c91ab4e-do-not-log';
const WRONG_TOKEN = 'cmtok_WRONG-0b1e5d-also-secret';
const FLUTTER = '60a1b2c3d4e5f6a7b8c9d0e1'; // yaml app: no workflows from the API
const IOS = '60a1b2c3d4e5f6a7b8c9d0e3'; // UI workflows
const IOS_WF = '5d85f242e941e00019e81bd2';
const UNKNOWN_ID = '000000000000000000000000';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const SHORT_TIMEOUT = 100;

const BUILD_KEYS = new Set([
  'id',
  'appId',
  'workflowId',
  'workflowName',
  'branch',
  'tag',
  'status',
  'index',
  'labels',
  'instanceType',
  'createdAt',
  'startedAt',
  'finishedAt',
  'commit',
  'artifacts',
  'steps',
]);

/** Every secret value the fake may put into a build's `environment`. */
const SECRETS = [
  ...demoApps().flatMap((a) => Object.values(a.variables ?? {})),
  'per-build-secret-value-4242',
  '-----BEGIN PRIVATE KEY-----',
];

interface Expected {
  kind: ApiErrorKind;
  status?: number;
  serverMessage?: string;
}

suite('CodemagicClient', () => {
  let fake: FakeCodemagic;

  suiteSetup(async () => {
    fake = await FakeCodemagic.start({ token: TOKEN, apps: demoApps() });
  });
  teardown(() => fake.reset());
  suiteTeardown(async () => {
    await fake.close();
  });

  function makeClient(overrides: Partial<ClientOptions> = {}): { client: CodemagicClient; sleeps: number[] } {
    const sleeps: number[] = [];
    const client = new CodemagicClient({
      apiUrl: fake.url,
      v3Url: fake.v3Url,
      getToken: () => TOKEN,
      retryBaseMs: 1,
      timeoutMs: 3000,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...overrides,
    });
    return { client, sleeps };
  }

  /** Awaits a rejection and checks it is our one error type, without any token in it. */
  async function rejects(p: Promise<unknown>, expected: Expected): Promise<CodemagicApiError> {
    let caught: unknown;
    try {
      await p;
    } catch (e) {
      caught = e;
    }
    assert.ok(caught !== undefined, 'expected the call to fail');
    assert.ok(
      caught instanceof CodemagicApiError,
      `not a CodemagicApiError: ${caught instanceof Error ? caught.stack : JSON.stringify(caught)}`,
    );
    assert.ok(isApiError(caught));
    const err = caught;
    assert.strictEqual(err.name, 'CodemagicApiError');
    assert.strictEqual(err.kind, expected.kind, `kind of: ${err.message}`);
    if ('status' in expected) assert.strictEqual(err.status, expected.status, `status of: ${err.message}`);
    if ('serverMessage' in expected) assert.strictEqual(err.serverMessage, expected.serverMessage);
    assert.ok(err.message.length > 0);
    for (const t of [TOKEN, WRONG_TOKEN]) {
      assert.ok(!err.message.includes(t), `token in message: ${err.message}`);
      assert.ok(!String(err).includes(t), 'token in String(err)');
      assert.ok(!(err.stack ?? '').includes(t), 'token in stack');
      assert.ok(!(err.serverMessage ?? '').includes(t), 'token in serverMessage');
    }
    return err;
  }

  function assertNoSecrets(value: unknown): void {
    const json = JSON.stringify(value);
    for (const s of SECRETS) assert.ok(!json.includes(s), `secret leaked into the result: ${s}`);
    assert.ok(!json.includes('environment'), 'environment leaked into the result');
    assert.ok(!json.includes('softwareVersions'));
    assert.ok(!json.includes('buildSettings'), 'unknown field config leaked');
    assert.ok(!json.includes('triggered_by'), 'unknown v3 field leaked');
  }

  function assertBuildShape(b: Build): void {
    for (const k of Object.keys(b)) assert.ok(BUILD_KEYS.has(k), `unexpected key ${k} in Build`);
  }

  const v3Requests = () => fake.requests.filter((r) => r.path.startsWith('/api/v3/'));
  const legacyRequests = () => fake.requests.filter((r) => !r.path.startsWith('/api/v3/'));

  // ---------------------------------------------------------------------------------------------
  suite('startBuild', () => {
    test('POST /builds with exactly the request body, JSON content type and the token; returns buildId', async () => {
      const { client } = makeClient();
      const req = {
        appId: FLUTTER,
        workflowId: 'android-release',
        branch: 'feature/checkout-v2',
        environment: {
          variables: { API_BASE: 'https://staging.example', PER_BUILD: 'per-build-secret-value-4242' },
          groups: ['play_store'],
          softwareVersions: { flutter: '3.22.0', xcode: '15.4' },
        },
        labels: ['vscode', 'nightly'],
        instanceType: 'mac_mini_m2',
      };
      const buildId = await client.startBuild(req);
      assert.strictEqual(typeof buildId, 'string');
      assert.ok(buildId.length > 0);
      const posts = fake.requestsTo('POST', '/builds');
      assert.strictEqual(posts.length, 1);
      assert.strictEqual(fake.requests.length, 1);
      const [r] = posts;
      assert.deepStrictEqual(JSON.parse(r.rawBody), req);
      assert.match(r.headers['content-type'] ?? '', /^application\/json\b/);
      assert.strictEqual(r.headers['x-auth-token'], TOKEN);
      assert.match(r.headers.accept ?? '', /application\/json/);
      const stored = fake.build(buildId);
      assert.ok(stored, 'the fake knows the returned build id');
      assert.strictEqual(stored.appId, FLUTTER);
      assert.strictEqual(stored.branch, 'feature/checkout-v2');
      assert.deepStrictEqual(stored.labels, ['vscode', 'nightly']);
    });

    test('a tag build sends only the fields given (no branch key at all)', async () => {
      const { client } = makeClient();
      const buildId = await client.startBuild({ appId: IOS, workflowId: IOS_WF, tag: 'v2.4.1' });
      const [r] = fake.requestsTo('POST', '/builds');
      assert.deepStrictEqual(JSON.parse(r.rawBody), { appId: IOS, workflowId: IOS_WF, tag: 'v2.4.1' });
      assert.strictEqual(fake.build(buildId)?.tag, 'v2.4.1');
      assert.strictEqual(fake.build(buildId)?.branch, null);
    });

    test('400 from validation (both branch and tag) carries the server {error} message', async () => {
      const { client, sleeps } = makeClient();
      const err = await rejects(
        client.startBuild({ appId: FLUTTER, workflowId: 'android-release', branch: 'main', tag: 'v1.0.0' }),
        { kind: 'http', status: 400, serverMessage: 'Specify either branch or tag, not both' },
      );
      assert.match(err.message, /400/);
      assert.match(err.message, /Specify either branch or tag, not both/);
      assert.strictEqual(err.isUnauthorized, false);
      assert.strictEqual(err.isRateLimited, false);
      assert.strictEqual(fake.requestsTo('POST', '/builds').length, 1);
      assert.deepStrictEqual(sleeps, []);
      assert.strictEqual(fake.builds().length, 0);
    });

    test('unknown app: 404 with the server message', async () => {
      const { client } = makeClient();
      await rejects(client.startBuild({ appId: UNKNOWN_ID, workflowId: 'w', branch: 'main' }), {
        kind: 'http',
        status: 404,
        serverMessage: 'Application not found',
      });
    });

    test('wrong token: 401, isUnauthorized, no build started', async () => {
      const { client } = makeClient({ getToken: () => WRONG_TOKEN });
      const err = await rejects(client.startBuild({ appId: FLUTTER, workflowId: 'w', branch: 'main' }), {
        kind: 'http',
        status: 401,
        serverMessage: 'Unauthorized',
      });
      assert.strictEqual(err.isUnauthorized, true);
      assert.strictEqual(fake.builds().length, 0);
      assert.strictEqual(fake.requests.length, 1);
    });

    test('2xx without a buildId (empty body) is a parse error', async () => {
      const { client } = makeClient();
      fake.addFault({ method: 'POST', path: '/builds', fault: { kind: 'empty' } });
      await rejects(client.startBuild({ appId: FLUTTER, workflowId: 'w', branch: 'main' }), { kind: 'parse' });
      fake.clearFaults();
      fake.addFault({ method: 'POST', path: '/builds', fault: { kind: 'status', status: 200, body: { ok: true } } });
      await rejects(client.startBuild({ appId: FLUTTER, workflowId: 'w', branch: 'main' }), { kind: 'parse' });
      assert.strictEqual(fake.requestsTo('POST', '/builds').length, 2);
    });
  });

  // ---------------------------------------------------------------------------------------------
  suite('cancelBuild', () => {
    test('running build: 200 -> alreadyFinished false, and the build is canceled', async () => {
      const { client } = makeClient();
      const id = fake.createBuild({ appId: FLUTTER, status: 'building' });
      assert.deepStrictEqual(await client.cancelBuild(id), { alreadyFinished: false });
      assert.strictEqual(fake.build(id)?.status, 'canceled');
      const posts = fake.requestsTo('POST', `/builds/${id}/cancel`);
      assert.strictEqual(posts.length, 1);
      assert.strictEqual(posts[0].headers['x-auth-token'], TOKEN);
    });

    test('already-final build: 208 -> alreadyFinished true, not an error', async () => {
      const { client } = makeClient();
      const finished = fake.createBuild({ status: 'finished' });
      assert.deepStrictEqual(await client.cancelBuild(finished), { alreadyFinished: true });
      assert.strictEqual(fake.build(finished)?.status, 'finished');
      const running = fake.createBuild({ status: 'queued' });
      assert.deepStrictEqual(await client.cancelBuild(running), { alreadyFinished: false });
      assert.deepStrictEqual(await client.cancelBuild(running), { alreadyFinished: true });
    });

    test('unknown build: 404 with the server message, not retried', async () => {
      const { client, sleeps } = makeClient();
      await rejects(client.cancelBuild(UNKNOWN_ID), { kind: 'http', status: 404, serverMessage: 'Build not found' });
      assert.strictEqual(fake.requests.length, 1);
      assert.deepStrictEqual(sleeps, []);
    });
  });

  // ---------------------------------------------------------------------------------------------
  suite('listApps / getApp', () => {
    test('listApps normalises every app and drops unknown fields', async () => {
      const { client } = makeClient();
      const apps = await client.listApps();
      assert.deepStrictEqual(
        apps.map((a) => a.id),
        demoApps().map((a) => a.id),
      );
      assert.deepStrictEqual(apps[0], {
        id: FLUTTER,
        name: 'Flutter Shop',
        workflows: [],
        repositoryUrl: 'https://github.com/acme/flutter-shop',
      });
      assert.deepStrictEqual(apps[2], {
        id: IOS,
        name: 'iOS Notes',
        workflows: [
          { id: '5d85f242e941e00019e81bd2', name: 'Default Workflow' },
          { id: '5d85f242e941e00019e81bd3', name: 'App Store Release' },
        ],
        repositoryUrl: 'https://github.com/acme/ios-notes',
      });
      const json = JSON.stringify(apps);
      assert.ok(!json.includes('archived') && !json.includes('settingsSource'));
      assertNoSecrets(apps);
      const [r] = fake.requestsTo('GET', '/apps');
      assert.strictEqual(r.headers['x-auth-token'], TOKEN);
      assert.strictEqual(fake.requests.length, 1);
    });

    test('getApp returns branches and workflows', async () => {
      const { client } = makeClient();
      assert.deepStrictEqual(await client.getApp(IOS), {
        id: IOS,
        name: 'iOS Notes',
        workflows: [
          { id: '5d85f242e941e00019e81bd2', name: 'Default Workflow' },
          { id: '5d85f242e941e00019e81bd3', name: 'App Store Release' },
        ],
        repositoryUrl: 'https://github.com/acme/ios-notes',
        branches: ['main', 'develop'],
      });
      assert.strictEqual(fake.requestsTo('GET', `/apps/${IOS}`).length, 1);
    });

    test('getApp of an unknown app: 404; ids are percent-encoded into the path', async () => {
      const { client, sleeps } = makeClient();
      await rejects(client.getApp(UNKNOWN_ID), { kind: 'http', status: 404, serverMessage: 'Application not found' });
      await rejects(client.getApp('a/../b'), { kind: 'http', status: 404 });
      assert.deepStrictEqual(
        fake.requests.map((r) => r.path),
        [`/apps/${UNKNOWN_ID}`, '/apps/a%2F..%2Fb'],
      );
      assert.deepStrictEqual(sleeps, []);
    });

    test('403 (e.g. an app of another team) is an http error, not retried', async () => {
      const { client, sleeps } = makeClient();
      fake.addFault({ method: 'GET', path: `/apps/${IOS}`, fault: { kind: 'status', status: 403 } });
      const err = await rejects(client.getApp(IOS), { kind: 'http', status: 403, serverMessage: 'Forbidden' });
      assert.strictEqual(err.isUnauthorized, false);
      assert.strictEqual(fake.requests.length, 1);
      assert.deepStrictEqual(sleeps, []);
    });

    test('trailing slashes in base URLs and the user agent option', async () => {
      const { client } = makeClient({
        apiUrl: `${fake.url}/`,
        v3Url: `${fake.v3Url}//`,
        userAgent: 'codemagic-vscode/0.1.0',
      });
      await client.listApps();
      await client.checkToken();
      assert.deepStrictEqual(
        fake.requests.map((r) => r.path),
        ['/apps', '/api/v3/user'],
      );
      for (const r of fake.requests) assert.strictEqual(r.headers['user-agent'], 'codemagic-vscode/0.1.0');
    });
  });

  // ---------------------------------------------------------------------------------------------
  suite('getBuild', () => {
    test('v3 shape normalised: id, appId, workflow, artifacts with publicUrl, ISO times, commit', async () => {
      const { client } = makeClient();
      const id = fake.createBuild({
        appId: FLUTTER,
        workflowId: 'android-release',
        workflowName: 'Android release',
        status: 'finished',
        labels: ['vscode'],
        variables: { PER_BUILD: 'per-build-secret-value-4242' },
      });
      const fb = fake.build(id)!;
      const b = await client.getBuild(id);
      assertBuildShape(b);
      assert.strictEqual(b.id, id);
      assert.strictEqual(b.appId, FLUTTER);
      assert.strictEqual(b.workflowId, 'android-release');
      assert.strictEqual(b.workflowName, 'Android release');
      assert.strictEqual(b.status, 'finished');
      assert.strictEqual(b.branch, 'main');
      assert.strictEqual(b.tag, undefined);
      assert.strictEqual(b.index, fb.index);
      assert.deepStrictEqual(b.labels, ['vscode']);
      assert.strictEqual(b.instanceType, 'mac_mini_m2');
      assert.strictEqual(b.createdAt, new Date(fb.createdAt).toISOString());
      assert.strictEqual(b.startedAt, new Date(fb.startedAt!).toISOString());
      assert.strictEqual(b.finishedAt, new Date(fb.finishedAt!).toISOString());
      assert.deepStrictEqual(b.commit, {
        hash: fb.commit!.hash,
        message: fb.commit!.message,
        author: 'Jane Developer',
        url: `https://github.com/acme/flutter-shop/commit/${fb.commit!.hash}`,
      });
      assert.strictEqual(b.artifacts.length, 2);
      b.artifacts.forEach((a, i) => {
        assert.strictEqual(a.name, fb.artifacts[i].name);
        assert.strictEqual(a.type, fb.artifacts[i].type);
        assert.strictEqual(a.size, fb.artifacts[i].size);
        assert.ok(a.publicUrl?.startsWith(`${fake.url}/storage/`), a.publicUrl);
        assert.strictEqual(a.url, undefined);
        assert.strictEqual(a.secureFilename, undefined);
      });
      assert.strictEqual(b.steps, undefined);
      assertNoSecrets(b);
      assert.strictEqual(fake.requestsTo('GET', `/api/v3/builds/${id}`).length, 1);
      assert.strictEqual(fake.requests.length, 1, 'no legacy request when v3 answers');
      assert.strictEqual(fake.requests[0].headers['x-auth-token'], TOKEN);
    });

    test('v3: unknown status kept as a string, in-progress build has no finishedAt', async () => {
      const { client } = makeClient();
      const id = fake.createBuild({ status: 'pending_approval' });
      const b = await client.getBuild(id);
      assert.strictEqual(b.status, 'pending_approval');
      assert.strictEqual(b.finishedAt, undefined);
      assert.deepStrictEqual(b.artifacts, []);
    });

    test('v3: unknown fields (environment, secrets) in the payload are ignored', async () => {
      const { client } = makeClient();
      fake.addFault({
        method: 'GET',
        path: '/api/v3/builds/b1',
        fault: {
          kind: 'status',
          status: 200,
          body: {
            data: {
              id: 'b1',
              app_id: FLUTTER,
              workflow: { id: 'wf', source: 'file', name: 'WF' },
              status: 'Some_New_Status',
              environment: { variables: { CM_KEYSTORE_PASSWORD: 'demo-keystore-secret-do-not-leak' } },
              secrets: ['per-build-secret-value-4242'],
              artifacts: [{ name: 'a.apk', size_in_bytes: 12, short_lived_download_url: 'https://cdn.example/a.apk' }],
              future_field: { nested: true },
            },
            environment: { variables: { X: '-----BEGIN PRIVATE KEY-----' } },
          },
        },
      });
      const b = await client.getBuild('b1');
      assertBuildShape(b);
      assertNoSecrets(b);
      assert.strictEqual(b.status, 'some_new_status');
      assert.deepStrictEqual(b.artifacts, [
        {
          name: 'a.apk',
          type: undefined,
          size: 12,
          url: undefined,
          publicUrl: 'https://cdn.example/a.apk',
          secureFilename: undefined,
        },
      ]);
      assert.ok(!JSON.stringify(b).includes('future_field'));
    });

    test('legacy fallback (v3Enabled=false): _id, fileWorkflowId, artefacts, +0000 times; v3 404 only once', async () => {
      fake.v3Enabled = false;
      const { client } = makeClient();
      const yamlBuild = fake.createBuild({
        appId: FLUTTER,
        workflowId: 'android-release',
        status: 'finished',
        labels: ['nightly'],
        variables: { PER_BUILD: 'per-build-secret-value-4242' },
      });
      const fb = fake.build(yamlBuild)!;
      const b = await client.getBuild(yamlBuild);
      assertBuildShape(b);
      assert.strictEqual(b.id, yamlBuild);
      assert.strictEqual(b.appId, FLUTTER);
      assert.strictEqual(b.workflowId, 'android-release', 'from fileWorkflowId');
      assert.strictEqual(b.status, 'finished');
      assert.strictEqual(b.index, fb.index);
      assert.deepStrictEqual(b.labels, ['nightly']);
      assert.strictEqual(b.instanceType, 'mac_mini_m2');
      for (const [got, ms] of [
        [b.createdAt, fb.createdAt],
        [b.startedAt, fb.startedAt],
        [b.finishedAt, fb.finishedAt],
      ] as Array<[string | undefined, number | null]>) {
        assert.match(got ?? '', ISO);
        assert.strictEqual(got, new Date(ms!).toISOString());
      }
      assert.deepStrictEqual(b.commit, {
        hash: fb.commit!.hash,
        message: fb.commit!.message,
        author: 'Jane Developer',
        url: `https://github.com/acme/flutter-shop/commit/${fb.commit!.hash}`,
      });
      assert.strictEqual(b.artifacts.length, 2);
      b.artifacts.forEach((a, i) => {
        assert.strictEqual(a.name, fb.artifacts[i].name);
        assert.strictEqual(a.size, fb.artifacts[i].size);
        assert.strictEqual(a.type, fb.artifacts[i].type);
        assert.strictEqual(a.url, `${fake.url}/artifacts/${fb.artifacts[i].secureFilename}`);
        assert.strictEqual(a.publicUrl, undefined);
      });
      assert.deepStrictEqual(
        b.steps?.map((s) => [s.id, s.name, s.status]),
        fb.steps.map((s) => [s.id, s.name, s.status]),
      );
      for (const s of b.steps ?? []) assert.match(s.startedAt ?? '', ISO);
      assertNoSecrets(b);
      assert.strictEqual(v3Requests().length, 1);
      assert.strictEqual(fake.requestsTo('GET', `/api/v3/builds/${yamlBuild}`).length, 1);
      assert.strictEqual(fake.requestsTo('GET', `/builds/${yamlBuild}`).length, 1);

      // UI workflow: `workflowId` instead of `fileWorkflowId`. Later calls skip v3 entirely.
      const uiBuild = fake.createBuild({ appId: IOS, workflowId: IOS_WF, status: 'failed' });
      const u = await client.getBuild(uiBuild);
      assert.strictEqual(u.workflowId, IOS_WF);
      assert.strictEqual(u.status, 'failed');
      assertNoSecrets(u);
      await client.getBuild(yamlBuild);
      await client.getBuildSteps(uiBuild);
      await client.checkToken();
      assert.strictEqual(v3Requests().length, 1, 'v3 asked only once');
      assert.strictEqual(fake.requestsTo('GET', `/builds/${yamlBuild}`).length, 2);
      assert.strictEqual(fake.requestsTo('GET', `/builds/${uiBuild}`).length, 2);
      assert.strictEqual(fake.requestsTo('GET', '/apps').length, 1);
    });

    test('legacy: unknown status kept as a string', async () => {
      fake.v3Enabled = false;
      const { client } = makeClient();
      const id = fake.createBuild({ status: 'waiting_for_machine' });
      const b = await client.getBuild(id);
      assert.strictEqual(b.status, 'waiting_for_machine');
      assert.strictEqual(b.finishedAt, undefined);
    });

    test('unknown build: 404 from both APIs, and v3 is still used afterwards', async () => {
      const { client } = makeClient();
      await rejects(client.getBuild(UNKNOWN_ID), { kind: 'http', status: 404, serverMessage: 'Build not found' });
      assert.deepStrictEqual(
        fake.requests.map((r) => r.path),
        [`/api/v3/builds/${UNKNOWN_ID}`, `/builds/${UNKNOWN_ID}`],
      );
      const id = fake.createBuild({ status: 'building' });
      fake.clearRequests();
      await client.getBuild(id);
      assert.deepStrictEqual(
        fake.requests.map((r) => r.path),
        [`/api/v3/builds/${id}`],
      );
    });

    test('v3 {detail} message: wrong token gives 401 from v3, no legacy fallback', async () => {
      const { client } = makeClient({ getToken: () => WRONG_TOKEN });
      const id = fake.createBuild();
      const err = await rejects(client.getBuild(id), {
        kind: 'http',
        status: 401,
        serverMessage: 'Authentication credentials were not provided or are invalid',
      });
      assert.strictEqual(err.isUnauthorized, true);
      assert.match(err.message, /Authentication credentials were not provided or are invalid/);
      assert.strictEqual(legacyRequests().length, 0);
      assert.strictEqual(fake.requests.length, 1);
    });

    test('v3 {status_code, detail, extra} error body on another status', async () => {
      const { client, sleeps } = makeClient();
      fake.addFault({
        path: '/api/v3/builds/x',
        fault: { kind: 'status', status: 422, body: { status_code: 422, detail: 'Validation error', extra: [] } },
      });
      await rejects(client.getBuild('x'), { kind: 'http', status: 422, serverMessage: 'Validation error' });
      assert.strictEqual(fake.requests.length, 1);
      assert.deepStrictEqual(sleeps, []);
    });

    test('v3 5xx is retried on v3, never falls back to legacy', async () => {
      const { client, sleeps } = makeClient({ maxRetries: 2 });
      const id = fake.createBuild();
      fake.addFault({ path: `/api/v3/builds/${id}`, times: 1, fault: { kind: 'status', status: 503 } });
      assert.strictEqual((await client.getBuild(id)).id, id);
      assert.strictEqual(fake.requestsTo('GET', `/api/v3/builds/${id}`).length, 2);
      assert.strictEqual(legacyRequests().length, 0);
      assert.strictEqual(sleeps.length, 1);

      fake.clearRequests();
      fake.addFault({ path: `/api/v3/builds/${id}`, fault: { kind: 'status', status: 500 } });
      await rejects(client.getBuild(id), { kind: 'http', status: 500 });
      assert.strictEqual(fake.requestsTo('GET', `/api/v3/builds/${id}`).length, 3);
      assert.strictEqual(legacyRequests().length, 0);
      fake.clearFaults();
      fake.clearRequests();
      await client.getBuild(id);
      assert.deepStrictEqual(
        fake.requests.map((r) => r.path),
        [`/api/v3/builds/${id}`],
        'v3 still used after an outage',
      );
    });
  });

  // ---------------------------------------------------------------------------------------------
  suite('getBuildSteps', () => {
    test('v3 /builds/{id}/actions normalised', async () => {
      const { client } = makeClient();
      const id = fake.createBuild({ status: 'finished' });
      const fb = fake.build(id)!;
      const steps = await client.getBuildSteps(id);
      assert.deepStrictEqual(
        steps,
        fb.steps.map((s) => ({
          id: s.id,
          name: s.name,
          status: s.status ?? undefined,
          startedAt: s.startedAt === null ? undefined : new Date(s.startedAt).toISOString(),
          finishedAt: s.finishedAt === null ? undefined : new Date(s.finishedAt).toISOString(),
        })),
      );
      assert.strictEqual(steps.length, 4);
      assert.ok(steps.every((s) => s.status === 'success'));
      assert.deepStrictEqual(
        fake.requests.map((r) => r.path),
        [`/api/v3/builds/${id}/actions`],
      );
    });

    test('v3: a running step has no status and no finishedAt', async () => {
      const { client } = makeClient();
      const id = fake.createBuild({ status: 'building' });
      const steps = await client.getBuildSteps(id);
      const last = steps[steps.length - 1];
      assert.strictEqual(last.status, undefined);
      assert.strictEqual(last.finishedAt, undefined);
      assert.match(last.startedAt ?? '', ISO);
    });

    test('legacy fallback: steps from buildActions', async () => {
      fake.v3Enabled = false;
      const { client } = makeClient();
      const id = fake.createBuild({ appId: IOS, status: 'failed' });
      const fb = fake.build(id)!;
      const steps = await client.getBuildSteps(id);
      assert.deepStrictEqual(
        steps.map((s) => [s.id, s.name, s.status]),
        fb.steps.map((s) => [s.id, s.name, s.status ?? undefined]),
      );
      assert.ok(steps.some((s) => s.status === 'failed'));
      assert.ok(steps.some((s) => s.status === 'skipped'));
      assertNoSecrets(steps);
      assert.deepStrictEqual(
        fake.requests.map((r) => r.path),
        [`/api/v3/builds/${id}/actions`, `/builds/${id}`],
      );
      await client.getBuildSteps(id);
      assert.strictEqual(v3Requests().length, 1, 'v3 asked only once');
    });

    test('unknown build: 404', async () => {
      const { client } = makeClient();
      await rejects(client.getBuildSteps(UNKNOWN_ID), { kind: 'http', status: 404 });
    });
  });

  // ---------------------------------------------------------------------------------------------
  suite('checkToken', () => {
    test('v3 GET /user returns the user', async () => {
      const { client } = makeClient();
      assert.deepStrictEqual(await client.checkToken(), {
        id: fake.user.id,
        name: fake.user.name,
        email: fake.user.email,
      });
      assert.deepStrictEqual(
        fake.requests.map((r) => `${r.method} ${r.path}`),
        ['GET /api/v3/user'],
      );
      assert.strictEqual(fake.requests[0].headers['x-auth-token'], TOKEN);
    });

    test('legacy fallback to GET /apps when v3 is missing', async () => {
      fake.v3Enabled = false;
      const { client } = makeClient();
      assert.deepStrictEqual(await client.checkToken(), {});
      assert.deepStrictEqual(
        fake.requests.map((r) => `${r.method} ${r.path}`),
        ['GET /api/v3/user', 'GET /apps'],
      );
      await client.checkToken();
      assert.strictEqual(v3Requests().length, 1);
    });

    test('wrong token: 401 from v3 (detail) and from the legacy fallback (error)', async () => {
      const { client } = makeClient({ getToken: () => WRONG_TOKEN });
      const e1 = await rejects(client.checkToken(), {
        kind: 'http',
        status: 401,
        serverMessage: 'Authentication credentials were not provided or are invalid',
      });
      assert.ok(e1.isUnauthorized);
      assert.strictEqual(fake.requests.length, 1, '401 is neither retried nor a reason to fall back');
      fake.v3Enabled = false;
      const { client: c2 } = makeClient({ getToken: () => Promise.resolve(WRONG_TOKEN) });
      const e2 = await rejects(c2.checkToken(), { kind: 'http', status: 401, serverMessage: 'Unauthorized' });
      assert.ok(e2.isUnauthorized);
    });
  });

  // ---------------------------------------------------------------------------------------------
  suite('createPublicUrl', () => {
    test('POST /artifacts/:secureFilename/public-url with {expiresAt} (whole seconds) -> {url, expiresAt}', async () => {
      const { client } = makeClient();
      const id = fake.createBuild({ status: 'finished' });
      const artifact = fake.build(id)!.artifacts[0];
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const res = await client.createPublicUrl(artifact.secureFilename, exp + 0.7);
      assert.strictEqual(res.expiresAt, exp);
      assert.ok(res.url.startsWith(`${fake.url}/storage/`), res.url);
      const posts = fake.requestsTo('POST', /\/public-url$/);
      assert.strictEqual(posts.length, 1);
      assert.deepStrictEqual(JSON.parse(posts[0].rawBody), { expiresAt: exp });
      assert.match(posts[0].headers['content-type'] ?? '', /^application\/json\b/);
      assert.strictEqual(posts[0].headers['x-auth-token'], TOKEN);
      const download = await fetch(res.url);
      assert.strictEqual(download.status, 200);
      assert.deepStrictEqual(Buffer.from(await download.arrayBuffer()), fake.artifactBytes(id, artifact.name));
    });

    // Regression: secureFilenameOf() once kept only the LAST path segment of the legacy artefact
    // url (`app-release.apk`), but Codemagic's secureFilename is the whole path after /artifacts/
    // (`<uuid>/<uuid>/app-release.apk`, docs.codemagic.io/rest-api/artifacts). So
    // createPublicUrl(artifact.secureFilename) asks for an artifact that does not exist -> 404.
    test('secureFilename from a legacy build is the whole path and works with createPublicUrl', async () => {
      fake.v3Enabled = false;
      const { client } = makeClient();
      const id = fake.createBuild({ status: 'finished' });
      const fb = fake.build(id)!;
      const b = await client.getBuild(id);
      assert.deepStrictEqual(
        b.artifacts.map((a) => a.secureFilename),
        fb.artifacts.map((a) => a.secureFilename),
      );
      const res = await client.createPublicUrl(b.artifacts[0].secureFilename!, Math.floor(Date.now() / 1000) + 600);
      assert.ok(res.url.startsWith(`${fake.url}/storage/`));
    });

    // Regression: createPublicUrl() once ran encodeURIComponent over the whole secureFilename, so its
    // slashes go out as %2F (`/artifacts/<uuid>%2F<uuid>%2Fapp.apk/public-url`). The documented request
    // keeps them literal (`/artifacts/<uuid>/<uuid>/app.apk/public-url`); the fake decodes both, the
    // real API's handling of %2F is unverified. Encode each segment instead.
    test('the secureFilename slashes are sent literally, as in the documented request', async () => {
      const { client } = makeClient();
      const id = fake.createBuild({ status: 'finished' });
      const artifact = fake.build(id)!.artifacts[0];
      await client.createPublicUrl(artifact.secureFilename, Math.floor(Date.now() / 1000) + 600);
      assert.deepStrictEqual(
        fake.requests.map((r) => r.path),
        [`/artifacts/${artifact.secureFilename}/public-url`],
      );
    });

    test('unknown artifact: 404; expiresAt in the past: 400 with the server message', async () => {
      const { client } = makeClient();
      await rejects(client.createPublicUrl('nope/nope/x.apk', Math.floor(Date.now() / 1000) + 60), {
        kind: 'http',
        status: 404,
        serverMessage: 'Artifact not found',
      });
      const id = fake.createBuild({ status: 'finished' });
      const artifact = fake.build(id)!.artifacts[0];
      await rejects(client.createPublicUrl(artifact.secureFilename, 1_000_000), {
        kind: 'http',
        status: 400,
        serverMessage: 'expiresAt must be in the future (unix timestamp in seconds)',
      });
    });

    test('2xx without url (empty body) is a parse error; 500 is not retried', async () => {
      const { client, sleeps } = makeClient();
      fake.addFault({ method: 'POST', path: /\/public-url$/, times: 1, fault: { kind: 'empty' } });
      await rejects(client.createPublicUrl('a/b/c.apk', Math.floor(Date.now() / 1000) + 60), { kind: 'parse' });
      fake.addFault({ method: 'POST', path: /\/public-url$/, fault: { kind: 'status', status: 500 } });
      await rejects(client.createPublicUrl('a/b/c.apk', Math.floor(Date.now() / 1000) + 60), {
        kind: 'http',
        status: 500,
      });
      assert.strictEqual(fake.requestsTo('POST', /\/public-url$/).length, 2);
      assert.deepStrictEqual(sleeps, []);
    });
  });

  // ---------------------------------------------------------------------------------------------
  suite('errors', () => {
    test('noToken: every method fails before sending anything', async () => {
      for (const getToken of [() => undefined, () => Promise.resolve(undefined), () => '']) {
        const { client, sleeps } = makeClient({ getToken });
        const calls: Array<() => Promise<unknown>> = [
          () => client.startBuild({ appId: FLUTTER, workflowId: 'w', branch: 'main' }),
          () => client.cancelBuild('b'),
          () => client.listApps(),
          () => client.getApp(IOS),
          () => client.getBuild('b'),
          () => client.getBuildSteps('b'),
          () => client.checkToken(),
          () => client.createPublicUrl('a/b/c', Math.floor(Date.now() / 1000) + 60),
        ];
        for (const call of calls) {
          const err = await rejects(call(), { kind: 'noToken', status: undefined });
          assert.strictEqual(err.isUnauthorized, true);
        }
        assert.deepStrictEqual(sleeps, []);
      }
      assert.strictEqual(fake.requests.length, 0);
    });

    test('401 wrong token on the legacy API: not retried', async () => {
      const { client, sleeps } = makeClient({ getToken: () => WRONG_TOKEN });
      const err = await rejects(client.listApps(), { kind: 'http', status: 401, serverMessage: 'Unauthorized' });
      assert.ok(err.isUnauthorized);
      assert.strictEqual(fake.requests.length, 1);
      assert.strictEqual(fake.requests[0].headers['x-auth-token'], WRONG_TOKEN);
      assert.deepStrictEqual(sleeps, []);
    });

    test('network: connection refused (closed port), retried for GETs then fails', async () => {
      const port = await new Promise<number>((resolve) => {
        const s = net.createServer();
        s.listen(0, '127.0.0.1', () => {
          const p = (s.address() as net.AddressInfo).port;
          s.close(() => resolve(p));
        });
      });
      const base = `http://127.0.0.1:${port}`;
      const { client, sleeps } = makeClient({ apiUrl: base, v3Url: `${base}/api/v3`, maxRetries: 2 });
      const err = await rejects(client.listApps(), { kind: 'network', status: undefined });
      assert.ok(!err.isUnauthorized);
      assert.strictEqual(sleeps.length, 2);
      await rejects(client.getBuild('b'), { kind: 'network' });
      await rejects(client.startBuild({ appId: FLUTTER, workflowId: 'w', branch: 'main' }), { kind: 'network' });
      assert.strictEqual(sleeps.length, 4, 'the POST was not retried');
    });

    test('reset connection: network error', async () => {
      const { client } = makeClient({ maxRetries: 1 });
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'reset' } });
      await rejects(client.listApps(), { kind: 'network', status: undefined });
      assert.strictEqual(fake.requestsTo('GET', '/apps').length, 2);
    });

    test('reset mid-body: network error', async () => {
      const { client } = makeClient({ maxRetries: 0 });
      fake.addFault({ method: 'GET', path: `/apps/${IOS}`, fault: { kind: 'resetMidBody' } });
      await rejects(client.getApp(IOS), { kind: 'network', status: undefined });
      assert.strictEqual(fake.requests.length, 1);
    });

    test('timeout: a hanging server with a small timeoutMs', async () => {
      const { client, sleeps } = makeClient({ timeoutMs: SHORT_TIMEOUT, maxRetries: 1 });
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'hang' } });
      const t0 = Date.now();
      const err = await rejects(client.listApps(), { kind: 'timeout', status: undefined });
      const took = Date.now() - t0;
      assert.ok(took >= SHORT_TIMEOUT * 2 - 20 && took < 1500, `took ${took} ms`);
      assert.ok(!err.isUnauthorized);
      assert.strictEqual(fake.requestsTo('GET', '/apps').length, 2);
      assert.strictEqual(sleeps.length, 1);
    });

    test('timeout: an answer that comes later than timeoutMs', async () => {
      const { client } = makeClient({ timeoutMs: SHORT_TIMEOUT, maxRetries: 0 });
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'delay', ms: SHORT_TIMEOUT * 3 } });
      await rejects(client.listApps(), { kind: 'timeout' });
    });

    test('a user abort stops at once and is not retried', async () => {
      const { client, sleeps } = makeClient({ maxRetries: 3 });
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'hang' } });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 30);
      const err = await rejects(client.listApps(ac.signal), { kind: 'network' });
      assert.match(err.message, /cancel/i);
      assert.strictEqual(fake.requests.length, 1);
      assert.deepStrictEqual(sleeps, []);
    });

    test('malformed JSON on a 2xx -> parse (not retried), legacy and v3', async () => {
      const { client, sleeps } = makeClient();
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'malformed' } });
      const err = await rejects(client.listApps(), { kind: 'parse', status: 200 });
      assert.ok(!err.message.includes('60a1b2c3'), 'no raw body in the message');
      fake.addFault({ method: 'GET', path: '/api/v3/builds/x', fault: { kind: 'malformed' } });
      await rejects(client.getBuild('x'), { kind: 'parse' });
      assert.strictEqual(fake.requests.length, 2);
      assert.deepStrictEqual(sleeps, []);
    });

    test('HTML error page -> http status, no serverMessage, no HTML in the message', async () => {
      const { client, sleeps } = makeClient({ maxRetries: 1 });
      fake.addFault({ method: 'GET', path: `/apps/${IOS}`, fault: { kind: 'html', status: 403 } });
      const e403 = await rejects(client.getApp(IOS), { kind: 'http', status: 403, serverMessage: undefined });
      assert.doesNotMatch(e403.message, /<|html|nginx|center/i);
      assert.deepStrictEqual(sleeps, []);

      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'html', status: 502 } });
      const e502 = await rejects(client.listApps(), { kind: 'http', status: 502, serverMessage: undefined });
      assert.doesNotMatch(e502.message, /<|html|nginx|center/i);
      assert.doesNotMatch(String(e502), /<|html|nginx/i);
      assert.strictEqual(fake.requestsTo('GET', '/apps').length, 2, '502 retried');

      fake.addFault({ method: 'GET', path: '/api/v3/user', fault: { kind: 'html', status: 200 } });
      const e200 = await rejects(client.checkToken(), { kind: 'parse' });
      assert.doesNotMatch(e200.message, /<|html|nginx/i);
    });

    test('empty body on a 2xx where JSON is expected -> parse', async () => {
      const { client } = makeClient();
      fake.addFault({ fault: { kind: 'empty', status: 200 } });
      await rejects(client.listApps(), { kind: 'parse' });
      await rejects(client.getApp(IOS), { kind: 'parse' });
      await rejects(client.getBuild('x'), { kind: 'parse' });
      await rejects(client.getBuildSteps('x'), { kind: 'parse' });
      await rejects(client.startBuild({ appId: FLUTTER, workflowId: 'w', branch: 'main' }), { kind: 'parse' });
      assert.strictEqual(legacyRequests().filter((r) => r.path.startsWith('/builds/')).length, 0, 'no fallback');
    });

    test('a long server message is capped at 300 characters', async () => {
      const { client } = makeClient();
      fake.addFault({
        method: 'GET',
        path: '/apps',
        fault: { kind: 'status', status: 400, body: { error: 'x'.repeat(1000) } },
      });
      const err = await rejects(client.listApps(), { kind: 'http', status: 400 });
      assert.ok((err.serverMessage ?? '').length <= 300);
    });
  });

  // ---------------------------------------------------------------------------------------------
  suite('retry policy', () => {
    test('GET on 5xx: maxRetries + 1 attempts in all, with growing backoff', async () => {
      const { client, sleeps } = makeClient({ maxRetries: 3, retryBaseMs: 10 });
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'status', status: 500 } });
      const err = await rejects(client.listApps(), {
        kind: 'http',
        status: 500,
        serverMessage: 'Internal Server Error',
      });
      assert.ok(!err.isRateLimited);
      assert.strictEqual(fake.requestsTo('GET', '/apps').length, 4);
      assert.strictEqual(sleeps.length, 3);
      sleeps.forEach((ms, i) => {
        const base = 10 * 2 ** i;
        assert.ok(ms >= base && ms <= base * 1.2 + 1e-9, `sleep ${i} = ${ms}`);
        if (i > 0) assert.ok(ms > sleeps[i - 1], `sleeps grow: ${sleeps.join(', ')}`);
      });
    });

    test('default maxRetries is 3 (4 attempts)', async () => {
      const { client, sleeps } = makeClient();
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'status', status: 503 } });
      await rejects(client.listApps(), { kind: 'http', status: 503 });
      assert.strictEqual(fake.requests.length, 4);
      assert.strictEqual(sleeps.length, 3);
      assert.ok(sleeps[0] < sleeps[1] && sleeps[1] < sleeps[2], sleeps.join(', '));
    });

    test('GET recovers after transient 500/502/503/504', async () => {
      for (const status of [500, 502, 503, 504]) {
        fake.reset();
        const { client, sleeps } = makeClient();
        fake.addFault({ method: 'GET', path: '/apps', times: 2, fault: { kind: 'status', status } });
        assert.strictEqual((await client.listApps()).length, 3, `status ${status}`);
        assert.strictEqual(fake.requestsTo('GET', '/apps').length, 3);
        assert.strictEqual(sleeps.length, 2);
      }
    });

    test('GET recovers after a reset connection and after a timeout', async () => {
      const { client, sleeps } = makeClient({ timeoutMs: SHORT_TIMEOUT });
      fake.addFault({ method: 'GET', path: `/apps/${IOS}`, times: 2, fault: { kind: 'reset' } });
      assert.strictEqual((await client.getApp(IOS)).id, IOS);
      assert.strictEqual(fake.requestsTo('GET', `/apps/${IOS}`).length, 3);
      fake.addFault({ method: 'GET', path: '/api/v3/user', times: 1, fault: { kind: 'hang' } });
      assert.strictEqual((await client.checkToken()).id, fake.user.id);
      assert.strictEqual(fake.requestsTo('GET', '/api/v3/user').length, 2);
      assert.strictEqual(sleeps.length, 3);
    });

    test('4xx other than 429 are not retried', async () => {
      const { client, sleeps } = makeClient();
      for (const status of [400, 401, 403, 404, 405, 409, 422]) {
        fake.reset();
        fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'status', status } });
        await rejects(client.listApps(), { kind: 'http', status });
        assert.strictEqual(fake.requests.length, 1, `status ${status}`);
      }
      assert.deepStrictEqual(sleeps, []);
    });

    test('429 honours retry-after: the recorded sleep is the header seconds * 1000', async () => {
      const { client, sleeps } = makeClient();
      fake.addFault({
        method: 'GET',
        path: '/apps',
        times: 1,
        fault: { kind: 'rateLimit', resetSeconds: 7, retryAfter: true },
      });
      assert.strictEqual((await client.listApps()).length, 3);
      assert.deepStrictEqual(sleeps, [7000]);
      assert.strictEqual(fake.requestsTo('GET', '/apps').length, 2);
    });

    test('429 honours ratelimit-reset (seconds from now) without retry-after', async () => {
      const { client, sleeps } = makeClient();
      fake.addFault({ method: 'GET', path: '/api/v3/user', times: 1, fault: { kind: 'rateLimit', resetSeconds: 3 } });
      await client.checkToken();
      assert.deepStrictEqual(sleeps, [3000]);
      assert.strictEqual(fake.requestsTo('GET', '/api/v3/user').length, 2);
    });

    test('429 honours ratelimit-reset as a Unix time and retry-after as an HTTP date', async () => {
      const { client, sleeps } = makeClient();
      const resetAt = Math.floor(Date.now() / 1000) + 5;
      fake.addFault({
        method: 'GET',
        path: '/apps',
        times: 1,
        fault: { kind: 'status', status: 429, headers: { 'ratelimit-reset': String(resetAt) } },
      });
      await client.listApps();
      assert.strictEqual(sleeps.length, 1);
      assert.ok(sleeps[0] > 3500 && sleeps[0] <= 5000, `slept ${sleeps[0]}`);

      sleeps.length = 0;
      fake.addFault({
        method: 'GET',
        path: '/apps',
        times: 1,
        fault: { kind: 'status', status: 429, headers: { 'retry-after': new Date(Date.now() + 4000).toUTCString() } },
      });
      await client.listApps();
      assert.strictEqual(sleeps.length, 1);
      assert.ok(sleeps[0] > 2500 && sleeps[0] <= 4000, `slept ${sleeps[0]}`);
    });

    test('429 without any header falls back to the growing backoff', async () => {
      const { client, sleeps } = makeClient({ maxRetries: 2, retryBaseMs: 10 });
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'status', status: 429 } });
      const err = await rejects(client.listApps(), { kind: 'http', status: 429, serverMessage: 'Too Many Requests' });
      assert.ok(err.isRateLimited);
      assert.strictEqual(err.retryAfterMs, undefined);
      assert.strictEqual(fake.requests.length, 3);
      assert.strictEqual(sleeps.length, 2);
      assert.ok(sleeps[0] >= 10 && sleeps[1] >= 20 && sleeps[1] > sleeps[0], sleeps.join(', '));
    });

    test('persistent 429: maxRetries + 1 attempts, the error carries retryAfterMs', async () => {
      const { client, sleeps } = makeClient({ maxRetries: 2 });
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'rateLimit', resetSeconds: 2 } });
      const err = await rejects(client.listApps(), {
        kind: 'http',
        status: 429,
        serverMessage: 'Rate limit exceeded',
      });
      assert.ok(err.isRateLimited);
      assert.strictEqual(err.retryAfterMs, 2000);
      assert.strictEqual(fake.requests.length, 3);
      assert.deepStrictEqual(sleeps, [2000, 2000]);
    });

    test('429 asking for longer than maxRetryWaitMs fails at once with retryAfterMs', async () => {
      const { client, sleeps } = makeClient({ maxRetryWaitMs: 10_000 });
      fake.addFault({ method: 'GET', path: '/apps', fault: { kind: 'rateLimit', resetSeconds: 60, retryAfter: true } });
      const err = await rejects(client.listApps(), { kind: 'http', status: 429 });
      assert.ok(err.isRateLimited);
      assert.strictEqual(err.retryAfterMs, 60_000);
      assert.strictEqual(fake.requests.length, 1);
      assert.deepStrictEqual(sleeps, []);
    });

    suite('POST /builds is never retried', () => {
      const body = { appId: FLUTTER, workflowId: 'android-release', branch: 'main' };
      const faults: Array<[string, Fault, ApiErrorKind, number | undefined]> = [
        ['500', { kind: 'status', status: 500 }, 'http', 500],
        ['503', { kind: 'status', status: 503 }, 'http', 503],
        ['429', { kind: 'rateLimit', resetSeconds: 1, retryAfter: true }, 'http', 429],
        ['reset', { kind: 'reset' }, 'network', undefined],
        ['resetMidBody', { kind: 'resetMidBody' }, 'network', undefined],
        ['timeout', { kind: 'hang' }, 'timeout', undefined],
      ];
      for (const [name, fault, kind, status] of faults) {
        test(`${name}: exactly one POST at the fake`, async () => {
          const { client, sleeps } = makeClient({ timeoutMs: SHORT_TIMEOUT, maxRetries: 5 });
          fake.addFault({ method: 'POST', path: '/builds', fault });
          await rejects(client.startBuild(body), { kind, status });
          assert.strictEqual(fake.requestsTo('POST', '/builds').length, 1);
          assert.strictEqual(fake.requests.length, 1);
          assert.deepStrictEqual(sleeps, []);
        });
      }
    });

    suite('cancel is not retried', () => {
      const faults: Array<[string, Fault, ApiErrorKind]> = [
        ['500', { kind: 'status', status: 500 }, 'http'],
        ['reset', { kind: 'reset' }, 'network'],
        ['timeout', { kind: 'hang' }, 'timeout'],
      ];
      for (const [name, fault, kind] of faults) {
        test(`${name}: exactly one cancel at the fake`, async () => {
          const { client, sleeps } = makeClient({ timeoutMs: SHORT_TIMEOUT, maxRetries: 5 });
          const id = fake.createBuild({ status: 'building' });
          fake.addFault({ method: 'POST', path: `/builds/${id}/cancel`, fault });
          await rejects(client.cancelBuild(id), { kind });
          assert.strictEqual(fake.requestsTo('POST', `/builds/${id}/cancel`).length, 1);
          assert.deepStrictEqual(sleeps, []);
        });
      }
    });
  });

  // ---------------------------------------------------------------------------------------------
  suite('token handling', () => {
    test('the token goes only in the x-auth-token header, to both APIs', async () => {
      const { client } = makeClient();
      const id = fake.createBuild({ status: 'finished' });
      await client.getBuild(id);
      await client.getBuildSteps(id);
      await client.listApps();
      await client.checkToken();
      await client.cancelBuild(id);
      assert.strictEqual(fake.requests.length, 5);
      for (const r of fake.requests) {
        assert.strictEqual(r.headers['x-auth-token'], TOKEN);
        assert.ok(!r.path.includes(TOKEN));
        assert.ok(!JSON.stringify(r.query).includes(TOKEN));
        assert.ok(!r.rawBody.includes(TOKEN));
      }
    });

    test('getToken is asked on every call (a rotated token is used at once)', async () => {
      let token = WRONG_TOKEN;
      const { client } = makeClient({ getToken: () => token });
      await rejects(client.listApps(), { kind: 'http', status: 401 });
      token = TOKEN;
      assert.strictEqual((await client.listApps()).length, 3);
    });
  });
});

// -----------------------------------------------------------------------------------------------
suite('retryAfterMs', () => {
  const NOW = Date.parse('2025-03-01T12:00:00.000Z');

  test('retry-after in seconds', () => {
    assert.strictEqual(retryAfterMs({ 'retry-after': '5' }, NOW), 5000);
    assert.strictEqual(retryAfterMs({ 'retry-after': '0' }, NOW), 0);
    assert.strictEqual(retryAfterMs({ 'retry-after': '1.5' }, NOW), 1500);
    assert.strictEqual(retryAfterMs({ 'retry-after': ['12', '99'] }, NOW), 12_000);
  });

  test('retry-after as an HTTP date', () => {
    assert.strictEqual(retryAfterMs({ 'retry-after': new Date(NOW + 30_000).toUTCString() }, NOW), 30_000);
    assert.strictEqual(retryAfterMs({ 'retry-after': 'Sat, 01 Mar 2025 12:02:00 GMT' }, NOW), 120_000);
    assert.strictEqual(retryAfterMs({ 'retry-after': new Date(NOW - 30_000).toUTCString() }, NOW), 0, 'past date');
  });

  test('ratelimit-reset as seconds from now', () => {
    assert.strictEqual(retryAfterMs({ 'ratelimit-reset': '30' }, NOW), 30_000);
    assert.strictEqual(retryAfterMs({ 'ratelimit-reset': '0' }, NOW), 0);
    assert.strictEqual(retryAfterMs({ 'ratelimit-reset': '3600' }, NOW), 3_600_000);
  });

  test('ratelimit-reset as a Unix time', () => {
    assert.strictEqual(retryAfterMs({ 'ratelimit-reset': String(NOW / 1000 + 42) }, NOW), 42_000);
    assert.strictEqual(retryAfterMs({ 'ratelimit-reset': String(NOW / 1000 - 10) }, NOW), 0, 'in the past');
  });

  test('retry-after wins over ratelimit-reset; unusable values fall through', () => {
    assert.strictEqual(retryAfterMs({ 'retry-after': '2', 'ratelimit-reset': '50' }, NOW), 2000);
    assert.strictEqual(retryAfterMs({ 'retry-after': 'soon', 'ratelimit-reset': '50' }, NOW), 50_000);
    assert.strictEqual(retryAfterMs({}, NOW), undefined);
    assert.strictEqual(retryAfterMs({ 'retry-after': 'soon' }, NOW), undefined);
    assert.strictEqual(retryAfterMs({ 'ratelimit-reset': 'x' }, NOW), undefined);
    assert.strictEqual(retryAfterMs({ 'ratelimit-reset': '-5' }, NOW), undefined);
    assert.strictEqual(retryAfterMs({ 'ratelimit-limit': '5000', 'ratelimit-remaining': '0' }, NOW), undefined);
  });

  test('defaults `now` to the current time', () => {
    const ms = retryAfterMs({ 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 10) });
    assert.ok(ms !== undefined && ms > 8000 && ms <= 10_000, String(ms));
  });
});
