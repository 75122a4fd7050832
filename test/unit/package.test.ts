// Marketplace and Open VSX readiness, checked on the manifest and with vsce itself (its own file
// collection and packaging code), so a stray file in the VSIX or a packaging warning fails a test.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');

interface Vsce {
  listFiles(o: { cwd: string; dependencies: boolean }): Promise<string[]>;
}
interface VscePackage {
  pack(o: {
    cwd: string;
    packagePath: string;
    dependencies: boolean;
  }): Promise<{ files: { path: string; contents?: string | Buffer }[] }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vsce = require('@vscode/vsce') as Vsce;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vscePackage = require('@vscode/vsce/out/package') as VscePackage;

interface Manifest {
  publisher: string;
  license: string;
  icon: string;
  repository: { url: string };
  categories: string[];
  keywords: string[];
  scripts: Record<string, string>;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: { commandPalette: { command: string; when?: string }[] };
    configuration: { properties: Record<string, { type?: unknown; default?: unknown; markdownDescription?: string }> };
    walkthroughs: { steps: { id: string; media: { markdown?: string } }[] }[];
  };
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

// What the extension needs at run time and on its Marketplace page, and nothing else.
const VSIX_FILES = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/extension.js',
  'media/codemagic.svg',
  'media/icon.png',
  'media/walkthrough/start.md',
  'media/walkthrough/token.md',
  'media/walkthrough/watch.md',
  'package.json',
];

// The Marketplace's category list (Open VSX uses the same names).
const CATEGORIES = new Set([
  'AI',
  'Azure',
  'Chat',
  'Data Science',
  'Debuggers',
  'Education',
  'Extension Packs',
  'Formatters',
  'Keymaps',
  'Language Packs',
  'Linters',
  'Machine Learning',
  'Notebooks',
  'Other',
  'Programming Languages',
  'SCM Providers',
  'Snippets',
  'Testing',
  'Themes',
  'Visualization',
]);

suite('package: Marketplace and Open VSX readiness', () => {
  suiteSetup(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) {
      throw new Error('dist/extension.js is missing: run `npm run build` first (npm test does)');
    }
  });

  test('`vsce ls` lists exactly the files the extension needs', async () => {
    const files = (await vsce.listFiles({ cwd: ROOT, dependencies: false })).sort();
    assert.deepStrictEqual(files, VSIX_FILES);
  });

  test('packaging prints no warning, and the README screenshots get absolute links', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-pack-'));
    const warnings: unknown[][] = [];
    const { warn, log } = console;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    console.log = () => undefined;
    try {
      const { files } = await vscePackage.pack({
        cwd: ROOT,
        packagePath: path.join(dir, 'codemagic.vsix'),
        dependencies: false,
      });
      assert.ok(fs.statSync(path.join(dir, 'codemagic.vsix')).size > 0);
      const readme = String(files.find((f) => f.path === 'extension/readme.md')?.contents ?? '');
      const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
      assert.ok(images.length >= 2, 'the README shows screenshots');
      for (const src of images)
        assert.match(src, /^https:\/\/github\.com\/[^/]+\/[^/]+\/raw\/HEAD\/media\/[\w-]+\.png$/);
      for (const src of images) {
        const local = path.join(ROOT, src.replace(/^.*\/raw\/HEAD\//, ''));
        assert.ok(fs.existsSync(local), `${local} exists in the repository`);
      }
    } finally {
      console.warn = warn;
      console.log = log;
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.deepStrictEqual(warnings, []);
  });

  test('the manifest has what the Marketplace and Open VSX show', () => {
    assert.match(manifest.publisher, /^[a-z0-9][a-z0-9-]*$/);
    assert.strictEqual(manifest.license, 'MIT');
    assert.ok(fs.existsSync(path.join(ROOT, 'LICENSE')));
    assert.match(manifest.repository.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    assert.ok(fs.existsSync(path.join(ROOT, manifest.icon)), 'icon file');
    assert.ok(manifest.categories.length > 0);
    for (const c of manifest.categories) assert.ok(CATEGORIES.has(c), `unknown category ${c}`);
    assert.ok(
      manifest.keywords.length > 0 && manifest.keywords.length <= 30,
      'the Marketplace takes at most 30 keywords',
    );
    assert.doesNotMatch(manifest.scripts.package, /--no-rewrite-relative-links|--allow-missing-repository/);
  });

  test('every command is in the Codemagic category; every setting has a type, a default and a description', () => {
    for (const c of manifest.contributes.commands) assert.strictEqual(c.category, 'Codemagic', c.command);
    for (const [key, p] of Object.entries(manifest.contributes.configuration.properties)) {
      assert.ok(p.type !== undefined, `${key}: type`);
      assert.ok('default' in p, `${key}: default`);
      assert.ok((p.markdownDescription ?? '').length > 20, `${key}: description`);
    }
  });

  test("the README's tables name every palette command and every setting", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = (title: string) => readme.split(`\n## ${title}\n`)[1]?.split('\n## ')[0] ?? '';
    const commands = section('Commands');
    const hidden = new Set(
      manifest.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command),
    );
    for (const c of manifest.contributes.commands.filter((x) => !hidden.has(x.command))) {
      assert.ok(commands.includes(c.title), `README commands table: ${c.title}`);
    }
    const settings = section('Settings');
    for (const key of Object.keys(manifest.contributes.configuration.properties)) {
      assert.ok(settings.includes(`| \`${key}\``), `README settings table: ${key}`);
    }
    for (const topic of [/API token/, /proxy/i, /not pushed/]) assert.match(section('Troubleshooting'), topic);
  });

  test('the walkthrough goes set token -> start a build -> watch it, and its pages are packaged', () => {
    const [walk] = manifest.contributes.walkthroughs;
    assert.deepStrictEqual(
      walk.steps.map((s) => s.id),
      ['setToken', 'startBuild', 'watch'],
    );
    for (const s of walk.steps) assert.ok(VSIX_FILES.includes(s.media.markdown ?? ''), `${s.id}: its page`);
  });
});
