#!/usr/bin/env node
// The commands as a user types them, whole process: wall time (median of N paired runs, each
// run beside a `node -e 0` in the same loop) and peak RSS (/usr/bin/time). Prints one table.
//   BENCH_RUNS=N      runs per row (default 7; the 1,000-, 2,000-migration and 20 MiB rows take at most 3)
//   BENCH_DB_URL=…    the PostgreSQL 15 server for the --db-url row (default local, trust)
//   BENCH_ONLY=a,b    only the rows whose key is listed (keys are printed in the table)
// Needs `npm run build` first (npm run bench does it).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBigMigration } from './big-migration.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const createBin = path.join(root, 'bin', 'create-saas-db.js');
const verifyBin = path.join(root, 'bin', 'verify-phase.js');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const DB_URL = process.env.BENCH_DB_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const TIME = '/usr/bin/time';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'csdb-bench-'));
const warmCache = path.join(scratch, 'engine-cache');
const env = { ...process.env, CI: 'true', CREATE_SAAS_DB_CACHE_DIR: warmCache };

/** One process under /usr/bin/time: wall ms, peak RSS in MiB, exit code. */
function runOnce(args, { cwd = scratch, extraEnv = {} } = {}) {
  const rss = path.join(scratch, 'rss');
  const start = process.hrtime.bigint();
  const result = spawnSync(TIME, ['-f', '%M', '-o', rss, process.execPath, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...env, ...extraEnv },
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const kib = Number(readFileSync(rss, 'utf8').trim().split('\n').pop());
  return { ms, mib: kib / 1024, code: result.status, stderr: String(result.stderr) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Paired runs: each iteration runs `node -e 0`, then prepares (untimed) and runs the command.
 * One untimed warm-up run first fills the file cache.
 */
function measure({ runs = RUNS, prepare = () => ({}), args }) {
  const warm = prepare(-1);
  runOnce(args(warm), warm);
  const floor = [];
  const samples = [];
  for (let i = 0; i < runs; i++) {
    floor.push(runOnce(['-e', '0']));
    const options = prepare(i);
    samples.push(runOnce(args(options), options));
  }
  const codes = [...new Set(samples.map((s) => s.code))];
  return {
    ms: median(samples.map((s) => s.ms)),
    floorMs: median(floor.map((s) => s.ms)),
    mib: Math.max(...samples.map((s) => s.mib)),
    runs,
    codes,
    stderr: samples.find((s) => s.code !== 0)?.stderr ?? '',
  };
}

function timestamp(n) {
  return new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * `count` small user migrations (a table each, with row level security as Supabase expects) in
 * `dir`, numbered from `from`; the phase's own, appended later, sort after them.
 */
function repoWithMigrations(dir, count, from = 1) {
  const migrations = path.join(dir, 'supabase', 'migrations');
  mkdirSync(migrations, { recursive: true });
  for (let n = from; n < from + count; n++) {
    writeFileSync(
      path.join(migrations, `${timestamp(n)}_change_${n}.sql`),
      `create table public.t${n} (id bigint primary key, note text);\nalter table public.t${n} enable row level security;\n`,
    );
  }
  return dir;
}

function generated(name, args = []) {
  const dir = path.join(scratch, name);
  const result = runOnce([createBin, dir, '--yes', ...args]);
  if (result.code !== 0) throw new Error(`generating ${name} failed: ${result.stderr}`);
  return dir;
}

let counter = 0;
/** An empty working directory per run. */
const fresh = (name) => () => {
  const cwd = path.join(scratch, `${name}-${counter++}`);
  mkdirSync(cwd, { recursive: true });
  return { cwd };
};

const wanted = (...keys) => !ONLY || keys.some((key) => ONLY.has(key));

const rows = [];
function row(key, label, spec) {
  if (!wanted(key)) return;
  process.stderr.write(`${key}…\n`);
  rows.push({ key, label, ...measure(spec) });
}

try {
  row('generate', '`create-saas-db my-app --yes` (types included)', { prepare: fresh('gen'), args: () => [createBin, 'my-app', '--yes'] });
  row('generate-no-types', '`create-saas-db my-app --yes --no-types`', {
    prepare: fresh('gen-nt'),
    args: () => [createBin, 'my-app', '--yes', '--no-types'],
  });

  // Set-up only for the rows asked for: generating and appending take minutes.
  const repo = wanted('verify-warm', 'verify-cold', 'verify-db-url', 'verify-20mb', 'verify-20mb-after') ? generated('fresh-repo') : null;
  row('verify-warm', '`verify-phase 04`, fresh repo, warm', { prepare: () => ({ cwd: repo }), args: () => [verifyBin, '04'] });
  row('verify-cold', '`verify-phase 04`, fresh repo, cold (empty cache)', {
    prepare: (i) => ({ cwd: repo, extraEnv: { CREATE_SAAS_DB_CACHE_DIR: path.join(scratch, `cold-cache-${i}`) } }),
    args: () => [verifyBin, '04'],
  });
  row('verify-db-url', '`verify-phase 04 --db-url` (local PostgreSQL 15)', {
    prepare: () => ({ cwd: repo }),
    args: () => [verifyBin, '04', '--db-url', DB_URL],
  });

  // A 20 MiB user migration (seed-like inserts and a long function, see big-migration.mjs) that
  // sorts before the phase's migrations, then one that sorts after them.
  for (const [key, name, where] of [
    ['verify-20mb', '00000_catalog_seed.sql', 'before'],
    ['verify-20mb-after', '00003_catalog_seed.sql', 'after'],
  ]) {
    if (!wanted(key)) continue;
    const big = path.join(scratch, key);
    cpSync(repo, big, { recursive: true });
    writeBigMigration(path.join(big, 'supabase', 'migrations', name), 20);
    row(key, `\`verify-phase 04\`, a 20 MiB user migration ${where} the phase's`, {
      runs: Math.min(RUNS, 3),
      prepare: () => ({ cwd: big }),
      args: () => [verifyBin, '04'],
    });
  }

  for (const count of [150, 1000, 2000]) {
    if (!wanted(`append-${count}`, `verify-${count}`)) continue;
    const runs = count >= 1000 ? Math.min(RUNS, 3) : RUNS;
    const template = repoWithMigrations(path.join(scratch, `template-${count}`), count);
    row(`append-${count}`, `\`create-saas-db . --yes --append\`, ${count.toLocaleString('en')} user migrations`, {
      runs,
      prepare: (i) => {
        const dir = path.join(scratch, `append-${count}-${i}`);
        cpSync(template, dir, { recursive: true });
        return { cwd: dir };
      },
      args: () => [createBin, '.', '--yes', '--append'],
    });
    if (!wanted(`verify-${count}`)) continue;
    const appended = path.join(scratch, `verify-${count}`);
    cpSync(template, appended, { recursive: true });
    const made = runOnce([createBin, '.', '--yes', '--append'], { cwd: appended });
    if (made.code !== 0) throw new Error(`--append on ${count} migrations failed: ${made.stderr}`);
    row(`verify-${count}`, `\`verify-phase 04\`, ${count.toLocaleString('en')} user migrations`, {
      runs,
      prepare: () => ({ cwd: appended }),
      args: () => [verifyBin, '04'],
    });
  }

  const cpus = os.cpus();
  console.log(
    `create-saas-db benchmark: whole process, median of paired runs beside \`node -e 0\` (${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)})\n`,
  );
  console.log('| key | what a user runs | wall | `node -e 0` | ratio | peak RSS | runs | exit |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    const wall = r.ms >= 1000 ? `${(r.ms / 1000).toFixed(2)} s` : `${Math.round(r.ms)} ms`;
    console.log(
      `| ${r.key} | ${r.label} | ${wall} | ${Math.round(r.floorMs)} ms | ${(r.ms / r.floorMs).toFixed(1)}× | ${Math.round(r.mib)} MiB | ${r.runs} | ${r.codes.join(',')} |`,
    );
  }
  for (const r of rows.filter((x) => x.stderr))
    console.log(`\n${r.key} exited ${r.codes.join(',')}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
