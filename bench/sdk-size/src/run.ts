/**
 * SDK size benchmark: what `@waymark/browser` costs a page, in bytes.
 *
 *   (a) the script-tag IIFE, dist/waymark.min.js, as shipped;
 *   (b) the ESM entry as an app's bundler ships it: esbuild `bundle, minify,
 *       format: 'esm'` of `import { init } from '@waymark/browser'; init({…})`,
 *       tree-shaken;
 *   (c) the same for `export * from '@waymark/browser'` (everything).
 *
 * Each is measured minified, gzip level 9 and brotli quality 11, beside the peers'
 * gzip sizes measured the same way on the project's machine. Then a breakdown of the
 * IIFE by input module, from esbuild's metafile of a rebuild of the same entry with
 * the same options. Sizes are deterministic: one run is enough.
 *
 *   npm run bench -w @waymark/bench-sdk-size -- [--check]
 *
 * `--check` exits 1 when the IIFE is over the 8 KB gzip limit.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, version as esbuildVersion } from 'esbuild';

const { values: args } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const iifeFile = builtFile('@waymark/browser/waymark.min.js');
const sdkDir = dirname(dirname(iifeFile));

/** A file of a built workspace package; a clear error when it has not been built. */
function builtFile(specifier: string): string {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch {
    console.error(`sdk-size bench: ${specifier} is not built; run \`npx turbo run build\` first.`);
    process.exit(1);
  }
}

/** The size budget of the script tag, gzip bytes. */
const LIMIT = 8 * 1024;
const GOAL = 6 * 1024;

/** Peers' browser SDKs, gzip -9 bytes, measured the same way on the project's machine. */
const PEERS: ReadonlyArray<readonly [string, number]> = [
  ['Snowplow browser-tracker', 18_445],
  ['Sentry browser', 33_212],
  ['RudderStack', 35_514],
  ['Segment analytics-next', 43_939],
  ['Amplitude', 71_914],
  ['PostHog', 127_152],
];

interface Sizes {
  min: number;
  gzip: number;
  brotli: number;
}

/** `gzip -9` when the gzip program is there (its deflate differs from zlib's by a few bytes), else zlib at level 9. */
const gzipTool = spawnSync('gzip', ['--version']).status === 0 ? 'gzip -9 -n' : 'zlib level 9';
function gzip9(code: Uint8Array): number {
  if (gzipTool === 'zlib level 9') return gzipSync(code, { level: 9 }).length;
  const r = spawnSync('gzip', ['-9', '-n', '-c'], { input: code, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`gzip -9 failed: ${r.stderr}`);
  return r.stdout.length;
}

function sizes(code: Uint8Array): Sizes {
  return {
    min: code.length,
    gzip: gzip9(code),
    brotli: brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
    }).length,
  };
}

/** Bundles `contents` as an app's entry: esbuild with bundle, minify and format esm, nothing else. */
async function appBundle(name: string, contents: string): Promise<Uint8Array> {
  const result = await build({
    stdin: { contents, resolveDir: here, sourcefile: `${name}.js`, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

// ---------------------------------------------------------------------------
// The IIFE by input module.

/** The script-tag entry of packages/sdk-browser/tsup.config.ts: its target, define and minifier. */
interface IifeConfig {
  entry: string;
  target: string;
  define: Record<string, string>;
  minify: string;
}

async function iifeConfig(): Promise<IifeConfig> {
  const { version } = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as { version: string };
  const fallback: IifeConfig = { entry: 'src/script-tag.ts', target: 'es2019', define: { __VERSION__: JSON.stringify(version) }, minify: 'esbuild' };
  const cwd = process.cwd();
  try {
    // The config reads package.json from the working directory, as tsup runs it.
    process.chdir(sdkDir);
    const mod = (await import(pathToFileURL(join(sdkDir, 'tsup.config.ts')).href)) as { default: unknown };
    const configs = (Array.isArray(mod.default) ? mod.default : [mod.default]) as Array<Record<string, unknown>>;
    const iife = configs.find((c) => Array.isArray(c.format) && c.format.includes('iife'));
    if (!iife) return fallback;
    const entry = typeof iife.entry === 'object' && iife.entry ? Object.values(iife.entry as Record<string, string>)[0] : undefined;
    return {
      entry: entry ?? fallback.entry,
      target: typeof iife.target === 'string' ? iife.target : fallback.target,
      define: { ...fallback.define, ...(iife.define as Record<string, string> | undefined) },
      minify: iife.minify === 'terser' ? 'terser' : 'esbuild',
    };
  } catch {
    return fallback;
  } finally {
    process.chdir(cwd);
  }
}

/**
 * Rebuilds the script-tag entry with esbuild, bundling everything with the config's
 * target and define and esbuild's minifier, the workspace packages taken from their
 * sources so that core shows file by file; esbuild's metafile gives the bytes each
 * input left in the output.
 */
async function iifeByModule(config: IifeConfig): Promise<{ total: number; modules: Array<[string, number]> }> {
  const sources: Record<string, string> = {
    '@waymark/core': join(repo, 'packages/core/src/index.ts'),
    '@waymark/protocol/types': join(repo, 'packages/protocol/src/types.ts'),
  };
  const result = await build({
    entryPoints: [join(sdkDir, config.entry)],
    absWorkingDir: repo,
    bundle: true,
    format: 'iife',
    minify: true,
    target: config.target,
    platform: 'browser',
    define: config.define,
    metafile: true,
    write: false,
    outfile: join(repo, 'waymark.min.js'),
    logLevel: 'silent',
    plugins: [{ name: 'workspace-sources', setup: (b) => b.onResolve({ filter: /^@waymark\// }, (a) => (sources[a.path] ? { path: sources[a.path] } : undefined)) }],
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const groups = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = moduleName(path);
    groups.set(name, (groups.get(name) ?? 0) + bytesInOutput);
  }
  const counted = [...groups.values()].reduce((a, b) => a + b, 0);
  const total = result.outputFiles[0]!.contents.length;
  groups.set('(iife wrapper, esbuild helpers)', total - counted);
  return { total, modules: [...groups].sort((a, b) => b[1] - a[1]) };
}

/** `browser  taps.ts`, `core  client.ts`, `protocol  vocabulary.ts`, or the npm package's name. */
function moduleName(path: string): string {
  const p = path.split(sep).join('/');
  const workspace = /^packages\/([^/]+)\/src\/(.+)$/.exec(p);
  if (workspace) return `${workspace[1] === 'sdk-browser' ? 'browser' : workspace[1]}  ${workspace[2]}`;
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p);
  return npm ? `${npm[1]} (npm)` : relative(repo, path);
}

// ---------------------------------------------------------------------------

const int = (n: number) => n.toLocaleString('en-US');
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;

const iife = sizes(readFileSync(iifeFile));
const initOnly = sizes(await appBundle('entry-init', `import { init } from '@waymark/browser';\ninit({ endpoint: 'https://collector.example.com', service: 'SHOP' });\n`));
const everything = sizes(await appBundle('entry-all', `export * from '@waymark/browser';\n`));
const smallestPeer = PEERS.reduce((a, b) => (b[1] < a[1] ? b : a));
const config = await iifeConfig();
const breakdown = await iifeByModule(config);

console.log(`sdk-size bench: @waymark/browser (${relative(repo, sdkDir)}), esbuild ${esbuildVersion}, gzip: ${gzipTool}, brotli: zlib quality 11; node ${process.version}.\nSizes are deterministic: one run.\n`);

const row = (name: string, s: Partial<Sizes>, note = '') =>
  `| ${name.padEnd(52)} | ${(s.min === undefined ? '–' : int(s.min)).padStart(7)} | ${(s.gzip === undefined ? '–' : int(s.gzip)).padStart(7)} | ${(s.brotli === undefined ? '–' : int(s.brotli)).padStart(7)} | ${note.padEnd(14)} |`;
console.log(
  [
    `| ${'bytes'.padEnd(52)} |     min | gzip -9 |  brotli | ${'gzip vs. (a)'.padEnd(14)} |`,
    `| ${'-'.repeat(52)} | ------: | ------: | ------: | ${'-'.repeat(13)}: |`,
    row('a  script tag: dist/waymark.min.js (IIFE)', iife, '1.00×'),
    row('b  ESM, bundled: import { init }; init({…})', initOnly, `${(initOnly.gzip / iife.gzip).toFixed(2)}×`),
    row('c  ESM, bundled: export * (everything)', everything, `${(everything.gzip / iife.gzip).toFixed(2)}×`),
    ...PEERS.map(([name, gzip]) => row(`   peer: ${name}`, { gzip }, `${(gzip / iife.gzip).toFixed(2)}×`)),
  ].join('\n'),
);

const verdict = (limit: number) => (iife.gzip <= limit ? `PASS (${int(limit - iife.gzip)} B to spare)` : `FAIL (${int(iife.gzip - limit)} B over)`);
console.log(`
a / smallest peer (${smallestPeer[0]}, gzip): ${pct(iife.gzip / smallestPeer[1])} (${int(iife.gzip)} / ${int(smallestPeer[1])} B)
limit, IIFE gzip ≤ ${int(LIMIT)} B (8 KB): ${verdict(LIMIT)}
goal,  IIFE gzip ≤ ${int(GOAL)} B (6 KB): ${verdict(GOAL)}
`);

console.log(`The IIFE by input module. esbuild's metafile of a rebuild of ${config.entry} (target ${config.target}, everything bundled,
workspace packages from source) gives the minified bytes each input leaves in the output: ${int(breakdown.total)} B in all with
esbuild's minifier; the shipped file, ${config.minify === 'terser' ? 'minified by terser' : "minified by esbuild through tsup"}, is ${int(iife.min)} B. "≈ shipped" scales each share to it.
`);
console.log(`| ${'module'.padEnd(40)} |  min B | share | ≈ shipped B |`);
console.log(`| ${'-'.repeat(40)} | -----: | ----: | ----------: |`);
const scale = iife.min / breakdown.total;
for (const [name, bytes] of breakdown.modules.filter(([, b]) => b > 0)) {
  console.log(`| ${name.padEnd(40)} | ${int(bytes).padStart(6)} | ${pct(bytes / breakdown.total).padStart(5)} | ${int(Math.round(bytes * scale)).padStart(11)} |`);
}
const byPackage = new Map<string, number>();
for (const [name, bytes] of breakdown.modules) {
  const pkg = name.split('  ')[0]!;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytes);
}
console.log(`\nby package: ${[...byPackage].sort((a, b) => b[1] - a[1]).map(([p, b]) => `${p} ${pct(b / breakdown.total)}`).join(', ')}`);

if (args.check && iife.gzip > LIMIT) process.exitCode = 1;
