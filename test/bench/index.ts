// The benchmark, inside the real extension host (not a test: it prints figures). Every window load
// measures activation; the last load (CODEMAGIC_BENCH_LAST) measures the rest. Results go to the JSON
// file the runner named, which it turns into a table.
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as vscode from 'vscode';
import { FakeCodemagic } from '../fake-codemagic';
import { EXTENSION_ID, extension, signIn } from '../integration/helpers';
import { makeRepo, openIn } from '../integration/repos';
import { extensionLogFiles } from '../integration/secrets';
import { sleep, waitFor } from '../integration/ui';

const TOKEN = 'cmtok_SECRET_bench_0aa1';
const APP = '60a1b2c3d4e5f6a7b8c9d0e1';
type Results = Record<string, number[]>;
const ACTIVATION = 'activation, as VS Code reports it (ms)';
const OWN_ACTIVATION = 'activation, bundle run + activate() (ms)';

function record(results: Results, key: string, value: number): void {
  (results[key] ??= []).push(value);
}

async function call<T>(op: string, args: object = {}): Promise<T> {
  const res = await fetch(`${process.env.CODEMAGIC_TEST_UI}/${op}`, { method: 'POST', body: JSON.stringify(args) });
  return (await res.json()) as T;
}
const times = () => call<{ quickInput: number; tree: number }>('times');

async function firstPick(fake: FakeCodemagic, cached: boolean): Promise<number> {
  if (!cached) {
    // An API setting change drops the cached app list.
    const cfg = vscode.workspace.getConfiguration('codemagic');
    const cur = cfg.get<string>('apiV3Url') ?? '';
    await cfg.update('apiV3Url', cur.endsWith('/') ? fake.v3Url : `${fake.v3Url}/`, vscode.ConfigurationTarget.Global);
  }
  await call('markTimes', { watch: 'quickInput' });
  const t0 = Date.now();
  const done = vscode.commands.executeCommand('codemagic.startBuild', { workflowId: 'ios-release', branch: 'main' });
  const t = await waitFor('the app pick', async () => {
    const { quickInput } = await times();
    return quickInput || undefined;
  });
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  await done;
  return t - t0;
}

async function requestRate(fake: FakeCodemagic, windowMs: number): Promise<number> {
  fake.clearRequests();
  await sleep(windowMs);
  return (fake.requests.length * 60_000) / windowMs;
}

async function startTracked(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await vscode.commands.executeCommand<string>('codemagic.startBuild', {
        appId: APP,
        workflowId: `w${i}`,
        branch: 'main',
      }),
    );
  }
  return ids;
}

export async function run(): Promise<void> {
  const out = process.env.CODEMAGIC_BENCH_RESULT!;
  const results: Results = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Results) : {};
  const ext = extension();
  if (ext.isActive) throw new Error('the extension was already active: activation cannot be measured');
  const t0 = performance.now();
  await ext.activate();
  record(results, 'activation, ext.activate() round trip (ms)', performance.now() - t0);
  // VS Code's own figure, as its Running Extensions editor shows it: loading (reading, compiling and
  // running) the bundle plus activate().
  await vscode.commands.executeCommand('workbench.action.showRuntimeExtensions');
  const row = await waitFor('our row in Running Extensions', async () => {
    const { text } = await call<{ text: string }>('runtimeExtensionRow', { id: EXTENSION_ID });
    return /Activation: (\d+)\s*ms/.exec(text)?.[1];
  });
  record(results, ACTIVATION, Number(row));
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  // The extension's own share, without compiling: it logs how long running its bundle and activate() took.
  // Every window load logs one such line (a log file per load): wait for this load's.
  const pattern = /Activated in ([\d.]+) ms, bundle evaluated in ([\d.]+) ms/g;
  const before = results[OWN_ACTIVATION]?.length ?? 0;
  const line = await waitFor('the activation log line', () => {
    const lines = extensionLogFiles().flatMap((f) => fs.readFileSync(f, 'utf8').match(pattern) ?? []);
    return Promise.resolve(lines.length > before ? lines[lines.length - 1] : undefined);
  });
  console.log(`[bench] ${line}`);
  const [, act, load] = /Activated in ([\d.]+) ms, bundle evaluated in ([\d.]+) ms/.exec(line)!;
  record(results, OWN_ACTIVATION, Number(act) + Number(load));
  fs.writeFileSync(out, JSON.stringify(results));
  // The runner reloads the window several times to measure activation; the last load does the rest.
  if (fs.readFileSync(`${out}.phase`, 'utf8') !== 'full') return;

  const runs = Number(process.env.CODEMAGIC_BENCH_RUNS ?? 5);
  const fake = await FakeCodemagic.start({ token: TOKEN });
  const cfg = vscode.workspace.getConfiguration('codemagic');
  await cfg.update('apiUrl', fake.url, vscode.ConfigurationTarget.Global);
  await cfg.update('apiV3Url', fake.v3Url, vscode.ConfigurationTarget.Global);
  await cfg.update('historySize', 500, vscode.ConfigurationTarget.Global);
  await signIn(TOKEN);
  await openIn(makeRepo({}, 'main-bench'));
  await vscode.commands.executeCommand('codemagic.builds.focus');
  await vscode.commands.executeCommand('codemagic.clearFinished');

  // CODEMAGIC_BENCH_ONLY=refresh skips the slow request-rate windows while working on the tree.
  const only = process.env.CODEMAGIC_BENCH_ONLY;
  if (only !== 'refresh') await measurePicksAndRates(fake, runs, results);
  await measureRefresh(fake, runs, results);
  fs.writeFileSync(out, JSON.stringify(results));
  await fake.close();
}

async function measurePicksAndRates(fake: FakeCodemagic, runs: number, results: Results): Promise<void> {
  for (let i = 0; i < runs; i++)
    record(results, 'first quick pick, apps not cached (ms)', await firstPick(fake, false));
  for (let i = 0; i < runs; i++) record(results, 'first quick pick, apps cached (ms)', await firstPick(fake, true));

  // Requests per minute with 0, 1 and 5 running builds, focused and unfocused, each after the start
  // burst. Polls come every 15 s focused and every 60 s unfocused: the windows hold whole intervals.
  const focusedMs = Number(process.env.CODEMAGIC_BENCH_WINDOW_MS ?? 30_000);
  const unfocusedMs = Number(process.env.CODEMAGIC_BENCH_UNFOCUSED_MS ?? 120_000);
  const unfocused = async (label: string, windowMs: number) => {
    await call('blur');
    await waitFor('the window to be unfocused', () => Promise.resolve(!vscode.window.state.focused || undefined));
    // The poll already scheduled at the focused interval comes first; measure the unfocused ones after it.
    await sleep(16_000);
    record(results, label, await requestRate(fake, windowMs));
    await call('focus');
    await waitFor('the window to be focused', () => Promise.resolve(vscode.window.state.focused || undefined));
  };
  record(results, 'requests/min, 0 running, focused', await requestRate(fake, Math.min(focusedMs, 20_000)));
  await unfocused('requests/min, 0 running, unfocused', Math.min(focusedMs, 20_000));
  await startTracked(1);
  await sleep(12_000);
  record(results, 'requests/min, 1 running, focused', await requestRate(fake, focusedMs));
  await unfocused('requests/min, 1 running, unfocused', unfocusedMs);
  await startTracked(4);
  await sleep(12_000);
  record(results, 'requests/min, 5 running, focused', await requestRate(fake, focusedMs));
  await unfocused('requests/min, 5 running, unfocused', unfocusedMs);
}

async function measureRefresh(fake: FakeCodemagic, runs: number, results: Results): Promise<void> {
  fake.tick(4);
  await vscode.commands.executeCommand('codemagic.refresh');

  // The Builds view with 500 tracked builds: time from a store change to the tree's DOM update.
  for (let tracked = fake.builds().length; tracked < 499; tracked += 50) {
    await startTracked(Math.min(50, 499 - tracked));
    fake.tick(4);
    await vscode.commands.executeCommand('codemagic.refresh');
  }
  // CODEMAGIC_BENCH_PROFILE=<dir>: CPU profiles of the extension host and the workbench page.
  const profileDir = process.env.CODEMAGIC_BENCH_PROFILE;
  const hostProfile = profileDir ? await startHostProfile() : undefined;
  if (profileDir) await call('profileStart');
  for (let i = 0; i < runs; i++) {
    const ids = await startTracked(1);
    await sleep(300);
    await call('markTimes', { watch: 'tree' });
    const t = Date.now();
    await vscode.commands.executeCommand('codemagic.removeBuild', ids[0]);
    const at = await waitFor('the tree update', async () => (await times()).tree || undefined);
    record(results, 'Builds view refresh, 500 builds (ms)', at - t);
  }
  if (profileDir) {
    await call('profileStop', { path: `${profileDir}/workbench.cpuprofile` });
    fs.writeFileSync(`${profileDir}/extension-host.cpuprofile`, JSON.stringify(await hostProfile!()));
  }
}

/** Profiles this extension host (where the extension runs) until the returned function is called. */
async function startHostProfile(): Promise<() => Promise<object>> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<{ profile?: object }>((resolve, reject) =>
      session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as { profile?: object }))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  return async () => {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    return profile!;
  };
}
