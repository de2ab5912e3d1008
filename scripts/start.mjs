#!/usr/bin/env node
/**
 * `npm start`: the collector on ./waymark.db, then a fleet of simulated kiosks and loan
 * applications sending to it, and the dashboard's URL. Ctrl-C (or SIGTERM) stops the
 * fleet first, so it can flush, then the collector, which finishes its writes.
 *
 * Flags: --devices, --speed, --loans-per-minute and --seed go to the fleet
 * (`--devices 0` starts no fleet); every other flag goes to the collector.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const FLEET_FLAGS = new Set(['--devices', '--speed', '--loans-per-minute', '--seed']);
const fleetArgs = [];
const collectorArgs = ['--db', 'waymark.db', '--port', '4318', '--quiet'];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].split('=', 2);
  const value = inline ?? args[++i];
  (FLEET_FLAGS.has(flag) ? fleetArgs : collectorArgs).push(flag, value);
}
const devices = Number(fleetArgs[fleetArgs.indexOf('--devices') + 1] ?? 20);

const collector = spawn(process.execPath, ['packages/collector/dist/cli.js', ...collectorArgs], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let fleet;
let stopping = false;

collector.stdout.setEncoding('utf8');
collector.stdout.on('data', (text) => {
  process.stdout.write(text);
  const url = /listening on (http:\/\/\S+)/.exec(text)?.[1];
  if (!url || fleet || stopping) return;
  console.log(`Dashboard: ${url}/`);
  if (devices > 0) {
    fleet = spawn(process.execPath, ['examples/fleet-simulator/dist/run.js', '--endpoint', url, ...fleetArgs], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    fleet.on('exit', () => (fleet = undefined));
  }
});
collector.on('exit', (code, signal) => {
  if (!stopping) console.error(`collector exited (${signal ?? code})`);
  fleet?.kill('SIGTERM');
  process.exit(stopping ? 0 : (code ?? 1));
});

async function stop() {
  if (stopping) return;
  stopping = true;
  if (fleet) {
    const gone = new Promise((resolve) => fleet.once('exit', resolve));
    fleet.kill('SIGTERM');
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    fleet?.kill('SIGKILL');
  }
  collector.kill('SIGTERM');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
