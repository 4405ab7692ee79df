#!/usr/bin/env node
// `npm test`'s pretest step: the suite runs a real Chromium (web-view tests) and, when
// test/clickhouse/ exists, a real clickhouse-server. On a machine without them the suite would
// fail in dozens of places with the same cause; this says it once, with the one command that
// installs them, and exits 1 before anything runs.
// Contract: exit 0 when every program the tests need is found; else one line per missing program
// on stderr, then the install command, exit 1. TRACEHOUND_CHROMIUM names another browser binary.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function onPath(program) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)));
}

const missing = [];
const chromium = process.env.TRACEHOUND_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) missing.push(`Chromium (${chromium}), for the web-view tests`);
if (existsSync(join(root, 'test', 'clickhouse')) && !onPath('clickhouse-server')) {
  missing.push('clickhouse-server, for the ClickHouse backend tests');
}

if (missing.length > 0) {
  for (const what of missing) process.stderr.write(`npm test: missing ${what}.\n`);
  process.stderr.write(
    'Install them and run the whole suite with one command (Debian, as root): bash .ci/run\n' +
      'or install them yourself: apt-get install -y chromium clickhouse-server zookeeper (TRACEHOUND_CHROMIUM=/path/to/chrome to use another browser).\n',
  );
  process.exit(1);
}
