#!/usr/bin/env node
// Whole-process generation time (median of RUNS), beside bare Node start-up as the floor.
// Targets: empty target ≤ 2.5× `node -e 0`; 1,000 existing migrations ≤ 1.2× the empty case.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'create-saas-db.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const scratch = mkdtempSync(path.join(tmpdir(), 'csdb-bench-'));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(args, prepare) {
  const samples = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const target = prepare?.(i);
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, target ? [...args, target] : args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    if (i > 0) samples.push(ms); // the first run warms the file cache
  }
  return median(samples);
}

function emptyTarget(name) {
  return (i) => path.join(scratch, `${name}-${i}`);
}

function targetWithMigrations(count) {
  return (i) => {
    const dir = path.join(scratch, `migrations-${i}`);
    mkdirSync(path.join(dir, 'supabase', 'migrations'), { recursive: true });
    for (let n = 1; n <= count; n++) {
      writeFileSync(path.join(dir, 'supabase', 'migrations', `${String(n).padStart(5, '0')}_change_${n}.sql`), `create table public.t${n} (id bigint primary key);\n`);
    }
    return dir;
  };
}

const generate = [bin, '--yes', '--no-install', '--no-types'];
const rows = [];
try {
  const floor = time(['-e', '0']);
  rows.push(['node -e 0 (floor)', floor, null]);
  const empty = time(generate, emptyTarget('empty'));
  rows.push(['generate, empty target', empty, empty / floor]);
  const many = time(generate, targetWithMigrations(1000));
  rows.push(['generate, 1,000 migrations', many, many / floor]);
  const typed = time([bin, '--yes', '--no-install'], emptyTarget('typed'));
  rows.push(['generate with Database types', typed, typed / floor]);

  console.log(`create-saas-db generation benchmark: median of ${RUNS} runs (Node ${process.version})\n`);
  for (const [name, ms, ratio] of rows) console.log(`${name.padEnd(32)} ${ms.toFixed(1).padStart(8)} ms${ratio ? `   ${ratio.toFixed(2)}× floor` : ''}`);
  const emptyOk = empty <= 2.5 * floor;
  const manyOk = many <= 1.2 * empty;
  console.log(`\ntarget empty ≤ 2.5× floor: ${emptyOk ? 'met' : 'MISSED'} (${(empty / floor).toFixed(2)}×)`);
  console.log(`target 1,000 migrations ≤ 1.2× empty: ${manyOk ? 'met' : 'MISSED'} (${(many / empty).toFixed(2)}×)`);
  console.log('(the Database types step boots the embedded PostgreSQL; it is reported separately, not part of the 2.5× target)');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
