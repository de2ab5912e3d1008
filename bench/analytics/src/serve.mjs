/**
 * The collector under test, in its own process: `startCollector` on the bench's
 * database, listening on 127.0.0.1 with a free port, printing its URL. Its clock
 * stands at the end of the data (so retention keeps everything and "yesterday" is the
 * data's last day); the sweeper's timer, the daily schedule and the request log are
 * off, so nothing but the bench's requests runs in it. Plain JavaScript, so no
 * TypeScript loader sits in the measured process. SIGTERM closes it cleanly.
 *
 *   node serve.mjs '{"db":"…","now":1795186800000,"timeZone":"Asia/Seoul"}'
 */
import { startCollector } from '@waymark/collector';

const { db, now, timeZone } = JSON.parse(process.argv[2]);
const collector = await startCollector({
  port: 0,
  db,
  timeZone,
  now: () => now,
  log: false,
  sweepIntervalMs: 0,
  dailySummaryAt: false,
});
process.stdout.write(`${collector.url}\n`);
process.once('SIGTERM', () => {
  collector.close().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
});
