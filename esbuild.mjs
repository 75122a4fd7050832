import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const ctx = await esbuild.context({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  outfile: 'dist/extension.js',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // Read by extension.ts to log how long evaluating the bundle took.
  banner: { js: 'var __codemagicLoadStart = performance.now();' },
  footer: { js: 'var __codemagicLoadEnd = performance.now();' },
});

if (watch) {
  await ctx.watch();
} else {
  const result = await ctx.rebuild();
  await ctx.dispose();
  if (process.argv.includes('--analyze')) console.log(await esbuild.analyzeMetafile(result.metafile));
}
