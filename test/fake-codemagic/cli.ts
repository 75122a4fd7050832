/**
 * Standalone fake Codemagic with the demo apps:
 *   node out/test/fake-codemagic/cli.js [--port 3131] [--token demo-token] [--tick-ms 4000] [--storage-separate]
 * Builds advance one status step every tick-ms. Stop with Ctrl+C (SIGINT) or SIGTERM.
 */
import { FakeCodemagic } from './server';

interface CliArgs {
  port: number;
  token: string;
  tickMs: number;
  storageSeparate: boolean;
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write(
    'usage: node out/test/fake-codemagic/cli.js [--port 3131] [--token demo-token] [--tick-ms 4000] [--storage-separate]\n',
  );
  process.exit(msg ? 2 : 0);
}

function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { port: 3131, token: 'demo-token', tickMs: 4000, storageSeparate: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') usage(`${name} needs a value`);
      return v;
    };
    const int = (v: string): number => {
      if (!/^\d+$/.test(v)) usage(`${name} must be a non-negative integer, got "${v}"`);
      return Number(v);
    };
    switch (name) {
      case '--port':
        args.port = int(value());
        break;
      case '--token':
        args.token = value();
        break;
      case '--tick-ms':
        args.tickMs = int(value());
        break;
      case '--storage-separate':
        args.storageSeparate = true;
        break;
      case '-h':
      case '--help':
        usage();
        break;
      default:
        usage(`unknown argument: ${arg}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const fake = await FakeCodemagic.start({
    port: args.port,
    token: args.token,
    tickMs: args.tickMs > 0 ? args.tickMs : undefined,
    artifactHostSeparate: args.storageSeparate,
  });
  // A little history so the demo is not empty.
  const hour = 60 * 60 * 1000;
  const apps = ['60a1b2c3d4e5f6a7b8c9d0e1', '60a1b2c3d4e5f6a7b8c9d0e2', '60a1b2c3d4e5f6a7b8c9d0e3'];
  apps.forEach((appId, i) => {
    fake.createBuild({ appId, status: 'finished', createdAt: Date.now() - (30 - i) * hour, labels: ['nightly'] });
    fake.createBuild({ appId, status: 'failed', createdAt: Date.now() - (20 - i) * hour, branch: 'develop' });
    fake.createBuild({ appId, status: 'warning', createdAt: Date.now() - (10 - i) * hour, tag: 'v2.4.0' });
  });

  const lines = [
    'Fake Codemagic is running.',
    `  codemagic.apiUrl:   ${fake.url}`,
    `  codemagic.apiV3Url: ${fake.v3Url}`,
    `  API token:          ${fake.token}`,
    `  team id (v3):       ${fake.teamId}`,
    ...(fake.storageUrl ? [`  artifact storage:   ${fake.storageUrl}`] : []),
    `  builds advance every ${args.tickMs > 0 ? `${args.tickMs} ms` : '(never: --tick-ms 0)'}`,
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping fake Codemagic\n`);
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`fake-codemagic: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
