import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySqlFile } from '../../src/db/apply-migrations.js';
import { openPreparedEngine } from '../../src/db/engine-cache.js';
import { detectSupabase } from '../../src/detect/supabase-dir.js';
import type { EmbeddedSqlEngine } from '../../src/db/engine.js';
import {
  embeddedExtensionsFor,
  extensionSupport,
  IMAGE_MODULE_EXTENSIONS,
  imageModulesCalled,
  STAND_IN_DIR,
} from '../../src/emulation/extensions.js';
import { packageRoot } from '../../src/package-root.js';
import { repoEmbeddedExtensions } from '../../src/verify/database/repo-extensions.js';
import { repoSqlAt } from '../helpers/repo-sql.js';

/**
 * The image creates uuid-ossp and pgcrypto, as a project has them; an engine loads their modules
 * only for SQL that calls them (loading pgcrypto's costs every boot a quarter of a second).
 */
describe("the image's extension modules", () => {
  let bare: EmbeddedSqlEngine;
  beforeAll(async () => {
    bare = (await openPreparedEngine('current', { extensions: [] })).engine;
  });
  afterAll(async () => {
    await bare.close();
  });

  it('image-module-functions.json names every function of their modules, as the image defines them', async () => {
    const lists = JSON.parse(
      readFileSync(path.join(packageRoot, 'resources', 'emulation', 'image-module-functions.json'), 'utf8'),
    ) as Record<string, { calls: string[]; qualifiedCalls: string[] }>;
    const rows = await bare.query<{ extension: string; name: string; language: string }>(
      `select e.extname::text as extension, p.proname::text as name, l.lanname::text as language
         from pg_catalog.pg_extension e
         join pg_catalog.pg_depend d on d.refclassid = 'pg_catalog.pg_extension'::regclass and d.refobjid = e.oid
                                    and d.classid = 'pg_catalog.pg_proc'::regclass
         join pg_catalog.pg_proc p on p.oid = d.objid
         join pg_catalog.pg_language l on l.oid = p.prolang
        where e.extname = any($1::text[])`,
      [[...IMAGE_MODULE_EXTENSIONS]],
    );
    expect(new Set(rows.map((r) => r.language))).toEqual(new Set(['c']));
    const defined = (extension: string) => [...new Set(rows.filter((r) => r.extension === extension).map((r) => r.name))].sort();
    for (const extension of IMAGE_MODULE_EXTENSIONS) {
      const listed = lists[extension]!;
      expect([...listed.calls, ...listed.qualifiedCalls].sort(), extension).toEqual(defined(extension));
    }
    // A name listed as shared with core PostgreSQL is one pg_catalog has.
    const shared = Object.values(lists).flatMap((l) => l.qualifiedCalls);
    const core = await bare.query<{ name: string }>(
      `select distinct proname::text as name from pg_catalog.pg_proc where pronamespace = 'pg_catalog'::regnamespace and proname = any($1::text[])`,
      [shared],
    );
    expect(core.map((r) => r.name).sort()).toEqual([...shared].sort());
  });

  it('an engine without a module refuses its functions, as a server without the library would', async () => {
    await expect(bare.query(`select extensions.crypt('secret', extensions.gen_salt('bf'))`)).rejects.toThrow(/pgcrypto/);
    // What core PostgreSQL has needs no module.
    await expect(bare.query(`select gen_random_uuid() is not null as ok`)).resolves.toEqual([{ ok: true }]);
  });

  /** A migration (applied as verify applies one), then a query that must answer `ok`. */
  const calls: Array<[string, string, string, string[]]> = [
    ['crypt and gen_salt', '', `select extensions.crypt('secret', extensions.gen_salt('bf')) like '$2a$%' as ok`, ['pgcrypto']],
    [
      'a quoted name in a column default',
      `create table public.m (id uuid default extensions."uuid_generate_v4"());\ninsert into public.m default values;`,
      `select count(*) = 1 as ok from public.m`,
      ['uuid-ossp'],
    ],
    ['gen_random_uuid qualified with the extension schema', '', `select extensions.gen_random_uuid() is not null as ok`, ['pgcrypto']],
    [
      'gen_random_uuid behind a search_path that puts pg_catalog after extensions',
      `create function public.u() returns uuid language sql set search_path = extensions, pg_catalog as $$ select gen_random_uuid() $$;`,
      `select public.u() is not null as ok`,
      ['pgcrypto'],
    ],
    [
      'a call inside EXECUTE',
      `create function public.d() returns bytea language plpgsql as $$ declare r bytea; begin execute 'select extensions.digest(''x'', ''sha256'')' into r; return r; end $$;`,
      `select length(public.d()) = 32 as ok`,
      ['pgcrypto'],
    ],
    [
      'pgjwt, stood in for with pgcrypto',
      `create extension pgjwt with schema extensions;`,
      `select extensions.sign('{"a":1}'::json, 'k') like 'ey%' as ok`,
      ['pgcrypto'],
    ],
  ];

  it.each(calls)('loads what the SQL calls: %s', async (_label, migration, check, expected) => {
    const extensions = embeddedExtensionsFor([migration, check]);
    expect(extensions).toEqual(expected);
    const { engine } = await openPreparedEngine('current', { extensions });
    try {
      if (migration) await applySqlFile(engine, { name: '00001_calls.sql', sql: migration });
      expect(await engine.query(check)).toEqual([{ ok: true }]);
    } finally {
      await engine.close();
    }
  });

  it('loads nothing for a call written only in a comment, and the module for one in a string EXECUTE runs', () => {
    const commented = [
      `-- to change it: select extensions.crypt('<new>', extensions.gen_salt('bf', 10));`,
      `/* digest(x, 'sha256') */ create table public.t (id int);`,
      `do $seed$\ndeclare\n  -- was: extensions.crypt('pw', extensions.gen_salt('bf'))\n  h constant text := '$2a$10$abc';\nbegin\n  perform h;\nend\n$seed$;`,
    ];
    expect(embeddedExtensionsFor(commented)).toEqual([]);
    expect(embeddedExtensionsFor([`select '-- not a comment: ' || extensions.crypt('a', extensions.gen_salt('bf'));`])).toEqual([
      'pgcrypto',
    ]);
    expect(embeddedExtensionsFor([`do $$ begin execute 'select extensions.digest(''a'', ''sha256'')'; end $$;`])).toEqual(['pgcrypto']);
  });

  it('loads nothing for SQL that calls no module function', () => {
    expect(
      embeddedExtensionsFor([
        `create table public.t (id uuid primary key default gen_random_uuid(), digest_value text, crypt_note text);`,
        `create function public.f() returns void language sql set search_path = '' as $$ select $$;`,
      ]),
    ).toEqual([]);
  });

  it("counts a pgTAP test's calls (tests run on the same engine), not the extensions it creates", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'image-modules-'));
    try {
      mkdirSync(path.join(root, 'supabase', 'migrations'), { recursive: true });
      mkdirSync(path.join(root, 'supabase', 'tests', 'auth'), { recursive: true });
      writeFileSync(
        path.join(root, 'supabase', 'migrations', '00001_init.sql'),
        'create table public.t (id uuid default gen_random_uuid());\n',
      );
      expect(await repoEmbeddedExtensions(await repoSqlAt(root))).toEqual([]);
      writeFileSync(
        path.join(root, 'supabase', 'tests', 'auth', 'login.pg'),
        "create extension if not exists pgtap with schema extensions;\nselect plan(1);\nselect ok(extensions.crypt('a', extensions.gen_salt('md5')) is not null);\n",
      );
      expect(await repoEmbeddedExtensions(await repoSqlAt(root))).toEqual(['pgcrypto']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('counts the calls of a seed that [db.seed] sql_paths names outside supabase/', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'image-modules-'));
    try {
      mkdirSync(path.join(root, 'supabase', 'migrations'), { recursive: true });
      mkdirSync(path.join(root, 'db', 'seeds'), { recursive: true });
      writeFileSync(path.join(root, 'supabase', 'migrations', '00001_init.sql'), 'create table public.t (id int);\n');
      writeFileSync(path.join(root, 'supabase', 'config.toml'), '[db.seed]\nenabled = true\nsql_paths = ["../db/seeds/users.sql"]\n');
      expect(await repoEmbeddedExtensions(await repoSqlAt(root))).toEqual([]);
      writeFileSync(
        path.join(root, 'db', 'seeds', 'users.sql'),
        "insert into public.t select length(extensions.crypt('pw', extensions.gen_salt('bf')));\n",
      );
      expect(await repoEmbeddedExtensions(await repoSqlAt(root))).toEqual(['pgcrypto']);
      expect((await detectSupabase(root)).seedFiles).toEqual(['db/seeds/users.sql']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("the emulation's own SQL calls no module function, and a stand-in that does requires the module's extension", () => {
    // An engine loads the modules for the repo's SQL only: the emulation must not need one.
    const emulationDir = path.join(packageRoot, 'resources', 'emulation', 'sql');
    const emulation = readdirSync(emulationDir, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.sql'));
    expect(emulation.length).toBeGreaterThan(5);
    for (const name of emulation) expect(imageModulesCalled(readFileSync(path.join(emulationDir, name), 'utf8')), name).toEqual([]);

    const standIns = readdirSync(STAND_IN_DIR).filter((name) => name.endsWith('.sql'));
    const calling = standIns.filter((name) => imageModulesCalled(readFileSync(path.join(STAND_IN_DIR, name), 'utf8')).length > 0);
    expect(calling).toContain('pgjwt.sql');
    for (const name of calling) {
      const support = extensionSupport(name.replace(/\.sql$/, ''));
      const called = imageModulesCalled(readFileSync(path.join(STAND_IN_DIR, name), 'utf8'));
      expect(support?.kind === 'stand-in' ? support.requires : undefined, name).toEqual(expect.arrayContaining(called));
    }
  });
});
