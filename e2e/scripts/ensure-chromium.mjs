#!/usr/bin/env node
/**
 * Makes sure Debian's Chromium is at /usr/bin/chromium before the browser tests run.
 * When it is missing, installs the `chromium` package with apt-get (through `sudo -n`
 * when not root), printing each command. Exits non-zero with a clear message when it
 * cannot.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

const CHROMIUM = process.env.WAYMARK_CHROMIUM ?? '/usr/bin/chromium';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fail(message) {
  console.error(`ensure-chromium: ${message}`);
  process.exit(1);
}

if (isExecutable(CHROMIUM)) process.exit(0);

if (process.env.WAYMARK_CHROMIUM) fail(`WAYMARK_CHROMIUM=${CHROMIUM} is not an executable file.`);
if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  fail(`${CHROMIUM} is missing and this is not a Debian-like system with apt-get; install Chromium and set WAYMARK_CHROMIUM to its path.`);
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const prefix = asRoot ? [] : ['sudo', '-n'];
if (!asRoot && !existsSync('/usr/bin/sudo')) {
  fail(`${CHROMIUM} is missing; installing it needs root, and sudo is not available. Run as root: apt-get update && apt-get install -y --no-install-recommends chromium`);
}

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
function run(args) {
  const [cmd, ...rest] = [...prefix, ...args];
  console.log(`ensure-chromium: ${[cmd, ...rest].join(' ')}`);
  const result = spawnSync(cmd, rest, { stdio: 'inherit', env });
  if (result.error) fail(`could not run ${cmd}: ${result.error.message}`);
  if (result.status !== 0) {
    const hint = asRoot ? '' : ' (sudo -n needs passwordless sudo; otherwise run the command above as root)';
    fail(`\`${[cmd, ...rest].join(' ')}\` exited with ${result.status ?? result.signal}${hint}.`);
  }
}

console.log(`ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium package.`);
run(['apt-get', 'update']);
run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium']);
if (!isExecutable(CHROMIUM)) fail(`apt-get finished but ${CHROMIUM} is still missing.`);
console.log(`ensure-chromium: installed ${CHROMIUM}.`);
