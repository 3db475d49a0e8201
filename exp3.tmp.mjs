// src/db/engine-cache.ts
import { createHash as createHash2 } from "node:crypto";
import { openAsBlob, readFileSync as readFileSync5 } from "node:fs";
import { mkdir, open as open2, readdir, rm as rm2 } from "node:fs/promises";
import os from "node:os";
import path6 from "node:path";
import { fileURLToPath as fileURLToPath2 } from "node:url";

// src/package-version.ts
import { readFileSync as readFileSync2 } from "node:fs";
import path2 from "node:path";

// src/package-root.ts
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
var PACKAGE_NAME = "create-saas-db";
var packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
function findPackageRoot(start) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) throw new Error(`${PACKAGE_NAME}: cannot find its own package.json above ${start}`);
  }
}

// src/package-version.ts
var cached = null;
function packageVersion() {
  cached ??= JSON.parse(readFileSync2(path2.join(packageRoot, "package.json"), "utf8")).version;
  return cached;
}

// src/apply/atomic-write.ts
import { randomBytes } from "node:crypto";
import * as nodeFs from "node:fs/promises";
import path3 from "node:path";
var nodeAtomicFs = {
  async writeFile(file2, data) {
    const handle2 = await nodeFs.open(file2, "wx");
    try {
      await handle2.writeFile(data);
      await handle2.sync();
    } finally {
      await handle2.close();
    }
  },
  chmod: (file2, mode2) => nodeFs.chmod(file2, mode2),
  rename: (from, to) => nodeFs.rename(from, to),
  rm: (file2) => nodeFs.rm(file2, { force: true }),
  async syncDir(dir) {
    const handle2 = await nodeFs.open(dir, "r").catch(() => null);
    if (!handle2) return;
    try {
      await handle2.sync().catch(() => void 0);
    } finally {
      await handle2.close();
    }
  }
};
async function writeFileAtomic(file2, data, options = {}) {
  const fs = options.fs ?? nodeAtomicFs;
  const dir = path3.dirname(file2);
  const temp = path3.join(dir, `.${path3.basename(file2)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await fs.writeFile(temp, data);
    if (options.mode !== void 0 && options.mode !== null) await fs.chmod(temp, options.mode & 4095);
    await fs.rename(temp, file2);
  } catch (error) {
    await fs.rm(temp).catch(() => void 0);
    throw error;
  }
  await fs.syncDir(dir);
}

// src/db/engine.ts
import { PGlite } from "@electric-sql/pglite";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { uuid_ossp } from "@electric-sql/pglite/contrib/uuid_ossp";
import v8 from "node:v8";

// src/emulation/extensions.ts
import { readFileSync as readFileSync3 } from "node:fs";
import path4 from "node:path";

// src/db/split-statements.ts
function splitStatements(script) {
  const statements = [];
  let start = -1;
  let i = 0;
  while (i < script.length) {
    const ch = script[i] ?? "";
    const next = script[i + 1];
    if (ch === "-" && next === "-") {
      i = indexOrEnd(script, "\n", i + 2);
      continue;
    }
    if (ch === "/" && next === "*") {
      i = skipBlockComment(script, i);
      continue;
    }
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === ";") {
      if (start !== -1) statements.push({ sql: script.slice(start, i).trim(), offset: start });
      start = -1;
      i += 1;
      continue;
    }
    if (start === -1) start = i;
    if (ch === "'" || ch === '"') {
      i = skipQuoted(script, i, ch);
    } else if (ch === "$") {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(script)?.[0];
      if (tag && !/[A-Za-z0-9_]/.test(script[i - 1] ?? "")) {
        const close = script.indexOf(tag, i + tag.length);
        i = close === -1 ? script.length : close + tag.length;
      } else {
        i += 1;
      }
    } else {
      i += 1;
    }
  }
  if (start !== -1) statements.push({ sql: script.slice(start).trim(), offset: start });
  return statements;
}
function indexOrEnd(text, needle, from) {
  const at = text.indexOf(needle, from);
  return at === -1 ? text.length : at + needle.length;
}
function skipBlockComment(text, from) {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text.startsWith("/*", i)) {
      depth += 1;
      i += 2;
    } else if (text.startsWith("*/", i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return text.length;
}
function skipQuoted(text, from, quote) {
  const escapes = quote === "'" && /[eE]/.test(text[from - 1] ?? "") && !/[A-Za-z0-9_]/.test(text[from - 2] ?? "");
  let i = from + 1;
  while (i < text.length) {
    if (escapes && text[i] === "\\") {
      i += 2;
    } else if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return text.length;
}
var DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;

// src/emulation/extensions.ts
var contrib = (exportName, requires) => ({
  kind: "embedded",
  module: { specifier: `@electric-sql/pglite/contrib/${exportName}`, exportName },
  ...requires ? { requires } : {}
});
var spi = contrib("moddatetime");
var standIn = (note, requires) => ({
  kind: "stand-in",
  note,
  ...requires ? { requires } : {}
});
var NO_EMBEDDED_BUILD = "the embedded engine has no build of it: use --db-url with a server that has it";
var SUPABASE_EXTENSIONS = {
  plpgsql: { kind: "builtin" },
  "uuid-ossp": { kind: "builtin" },
  pgcrypto: { kind: "builtin" },
  amcheck: contrib("amcheck"),
  autoinc: spi,
  bloom: contrib("bloom"),
  btree_gin: contrib("btree_gin"),
  btree_gist: contrib("btree_gist"),
  citext: contrib("citext"),
  cube: contrib("cube"),
  dict_int: contrib("dict_int"),
  dict_xsyn: contrib("dict_xsyn"),
  earthdistance: contrib("earthdistance", ["cube"]),
  fuzzystrmatch: contrib("fuzzystrmatch"),
  hstore: contrib("hstore"),
  insert_username: spi,
  intarray: contrib("intarray"),
  isn: contrib("isn"),
  lo: contrib("lo"),
  ltree: contrib("ltree"),
  moddatetime: spi,
  pageinspect: contrib("pageinspect"),
  pg_buffercache: contrib("pg_buffercache"),
  pg_freespacemap: contrib("pg_freespacemap"),
  pg_stat_statements: contrib("pg_stat_statements"),
  pg_surgery: contrib("pg_surgery"),
  pg_trgm: contrib("pg_trgm"),
  pg_visibility: contrib("pg_visibility"),
  pg_walinspect: contrib("pg_walinspect"),
  refint: spi,
  seg: contrib("seg"),
  tablefunc: contrib("tablefunc"),
  tcn: contrib("tcn"),
  tsm_system_rows: contrib("tsm_system_rows"),
  tsm_system_time: contrib("tsm_system_time"),
  unaccent: contrib("unaccent"),
  vector: { kind: "embedded", module: { specifier: "@electric-sql/pglite-pgvector", exportName: "vector" } },
  pgtap: { kind: "embedded", module: { specifier: "@electric-sql/pglite-pgtap", exportName: "pgtap" } },
  pg_net: standIn("requests are queued in net.http_request_queue, never sent"),
  pg_cron: standIn("jobs are recorded in cron.job, never run"),
  supabase_vault: standIn("secrets are stored encoded, not encrypted"),
  pgsodium: standIn("key table and a few helpers only; no encryption"),
  pg_graphql: standIn("graphql.resolve answers with an error, it resolves no query"),
  pgjwt: standIn("sign and verify are implemented with pgcrypto (HS256/384/512)", ["pgcrypto"]),
  http: standIn("every request raises an error: no request is made"),
  pg_tle: standIn("extensions installed through pgtle are recorded, not created"),
  pgmq: standIn("queues are plain tables; visibility timeouts are honoured on read"),
  wrappers: standIn("no foreign data wrapper handler exists: foreign servers and tables cannot be created"),
  pg_jsonschema: standIn("schemas are not checked: every instance matches"),
  hypopg: standIn("hypothetical indexes are listed, never planned with"),
  index_advisor: standIn("never suggests an index", ["hypopg"]),
  plv8: {
    kind: "unsupported",
    reason: "plv8 is a language (JavaScript in PostgreSQL): no SQL can stand in for it, and functions written in it cannot be created. Use --db-url with a server that has plv8"
  },
  plpgsql_check: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  postgis: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  postgis_raster: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  postgis_topology: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  postgis_tiger_geocoder: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  address_standardizer: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pgrouting: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pgroonga: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  rum: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  timescaledb: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pgaudit: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pg_repack: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pg_hashids: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pg_stat_monitor: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pg_partman: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pg_prewarm: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pgrowlocks: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  pgstattuple: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  postgres_fdw: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  dblink: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  sslinfo: { kind: "unsupported", reason: NO_EMBEDDED_BUILD },
  xml2: { kind: "unsupported", reason: NO_EMBEDDED_BUILD }
};
function extensionSupport(name) {
  return Object.hasOwn(SUPABASE_EXTENSIONS, name) ? SUPABASE_EXTENSIONS[name] : void 0;
}
var IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$-]*)`;
var CREATE = new RegExp(String.raw`^create\s+extension\s+(if\s+not\s+exists\s+)?(${IDENT})([\s\S]*)$`, "i");
var DROP = new RegExp(String.raw`^drop\s+extension\s+(if\s+exists\s+)?(${IDENT}(?:\s*,\s*${IDENT})*)\s*(cascade|restrict)?\s*$`, "i");
var OTHER = new RegExp(String.raw`^(?:alter\s+extension|comment\s+on\s+extension)\s+(${IDENT})`, "i");
function extensionStatement(sql, offset) {
  const create = CREATE.exec(sql);
  if (create) {
    const options = create[3] ?? "";
    const schema = new RegExp(String.raw`\bschema\s+(${IDENT})`, "i").exec(options)?.[1];
    return {
      action: "create",
      name: identifier(create[2]),
      ifNotExists: Boolean(create[1]),
      schema: schema ? identifier(schema) : null,
      cascade: /\bcascade\s*$/i.test(options),
      offset,
      sql
    };
  }
  const drop = DROP.exec(sql);
  if (drop) {
    const names = drop[2].match(new RegExp(IDENT, "g")).map(identifier);
    return { action: "drop", names, ifExists: Boolean(drop[1]), offset, sql };
  }
  const other = OTHER.exec(sql);
  return other ? { action: "other", name: identifier(other[1]), offset, sql } : null;
}
function identifier(token) {
  return token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toLowerCase();
}
var UnknownEmbeddedExtensionError = class extends Error {
  constructor(extension) {
    super(`the embedded engine cannot load extension "${extension}"`);
    this.extension = extension;
    this.name = "UnknownEmbeddedExtensionError";
  }
  extension;
};
async function loadEmbeddedExtensions(names) {
  const modules = /* @__PURE__ */ new Map();
  for (const name of names) {
    const support = extensionSupport(name);
    if (support?.kind === "builtin") continue;
    if (support?.kind !== "embedded") throw new UnknownEmbeddedExtensionError(name);
    modules.set(support.module.exportName, support.module);
  }
  const entries = await Promise.all(
    [...modules.values()].map(async ({ specifier, exportName }) => {
      const loaded = await import(specifier);
      const extension = loaded[exportName];
      if (!extension) throw new Error(`${specifier} has no export "${exportName}"`);
      return [exportName, extension];
    })
  );
  return Object.fromEntries(entries);
}
var STAND_IN_DIR = path4.join(packageRoot, "resources", "emulation", "extensions");
var DROP_MARKER = /^-- @drop\s*$/m;
var scriptCache = /* @__PURE__ */ new Map();
function standInScripts(name) {
  const cached3 = scriptCache.get(name);
  if (cached3) return cached3;
  const text = readFileSync3(path4.join(STAND_IN_DIR, `${name}.sql`), "utf8");
  const marker = DROP_MARKER.exec(text);
  const scripts = marker ? { install: text.slice(0, marker.index), drop: text.slice(marker.index + marker[0].length) } : { install: text, drop: "" };
  scriptCache.set(name, scripts);
  return scripts;
}
function withExtensionSchema(script, schema) {
  return script.replaceAll("@extschema@", `"${schema.replaceAll('"', '""')}"`);
}

// src/db/sql-error.ts
var SqlError = class extends Error {
  constructor(message, code, position, detail = void 0, hint = void 0, where = void 0) {
    super(message);
    this.code = code;
    this.position = position;
    this.detail = detail;
    this.hint = hint;
    this.where = where;
    this.name = "SqlError";
  }
  code;
  position;
  detail;
  hint;
  where;
  /** 1-based line of `position` in `sql`, or undefined when the error has no position. */
  lineIn(sql) {
    return this.position === void 0 ? void 0 : lineOfPosition(sql, this.position);
  }
};
function lineOfPosition(sql, position) {
  let line = 1;
  let seen = 0;
  for (const char of sql) {
    seen += 1;
    if (seen >= position) break;
    if (char === "\n") line += 1;
  }
  return line;
}
function toSqlError(error) {
  if (error instanceof SqlError) return error;
  const e = error ?? {};
  const text = (value) => typeof value === "string" && value !== "" ? value : void 0;
  const position = text(e.position);
  return new SqlError(
    text(e.message) ?? String(error),
    text(e.code),
    position === void 0 ? void 0 : Number(position),
    text(e.detail),
    text(e.hint),
    text(e.where)
  );
}

// src/db/engine.ts
function initdbArgs(options) {
  return [
    ...options.walSegmentMiB ? [`--wal-segsize=${options.walSegmentMiB}`] : [],
    ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`])
  ];
}
var wasmTierChosen = false;
function useBaselineWasmCompiler() {
  if (wasmTierChosen) return;
  wasmTierChosen = true;
  v8.setFlagsFromString("--liftoff-only");
}
async function createEmbeddedEngine(options = {}) {
  useBaselineWasmCompiler();
  const extra = options.extensions?.length ? await loadEmbeddedExtensions(options.extensions) : {};
  const db = await asSqlErrors(
    () => PGlite.create({
      extensions: { ...extra, uuid_ossp, pgcrypto },
      ...options.loadDataDir ? { loadDataDir: options.loadDataDir } : {},
      ...options.initdb ? { initDbStartParams: initdbArgs(options.initdb) } : {},
      ...options.username ? { username: options.username } : {}
    })
  );
  return {
    kind: "embedded",
    pglite: db,
    async exec(sql) {
      refuseServerPrograms(sql);
      await asSqlErrors(() => db.exec(sql));
    },
    async query(sql, params = []) {
      refuseServerPrograms(sql);
      return (await asSqlErrors(() => db.query(sql, params))).rows;
    },
    async close() {
      if (!db.closed) await db.close();
    }
  };
}
function refuseServerPrograms(sql) {
  if (/\bcopy\b[^;]*?\b(?:to|from)\s+program\b/i.test(sql)) {
    throw new SqlError(
      "COPY TO/FROM PROGRAM is not allowed on Supabase (it runs a shell command on the database server)",
      "42501",
      void 0
    );
  }
}
async function asSqlErrors(call) {
  try {
    return await call();
  } catch (error) {
    throw toSqlError(error);
  }
}

// src/emulation/install.ts
import { createHash } from "node:crypto";
import { readdirSync, readFileSync as readFileSync4 } from "node:fs";
import path5 from "node:path";
var EMULATION_SQL_DIR = path5.join(packageRoot, "resources", "emulation", "sql");
var NUMBERED = /^\d+_[A-Za-z0-9_-]+\.sql$/;
var cached2 = null;
function load() {
  if (cached2) return cached2;
  const all = readdirSync(EMULATION_SQL_DIR, { recursive: true }).map((name) => name.split(path5.sep).join("/")).filter((name) => name.endsWith(".sql")).sort().map((name) => ({ name, sql: readFileSync4(path5.join(EMULATION_SQL_DIR, name), "utf8") }));
  const database = all.filter((f) => NUMBERED.test(f.name));
  return cached2 = { database, all };
}
function databaseFiles() {
  return load().database;
}
function file(name) {
  const found = load().all.find((f) => f.name === name);
  if (!found) throw new Error(`the emulation has no ${name} in ${EMULATION_SQL_DIR}`);
  return found.sql;
}
function grantModeSql(mode2) {
  return file(`grants/${mode2}.sql`);
}
function embeddedBootstrapSql() {
  return file("embedded/bootstrap.sql");
}
var EMBEDDED_LOGIN_ROLE = "supabase_admin";
var USER_ROLE = "postgres";
function emulationDigest() {
  const hash = createHash("sha256");
  for (const f of load().all) hash.update(`${f.name}\0${f.sql}\0`);
  return hash.digest("hex");
}
var EmulationInstallError = class extends Error {
  constructor(file2, sqlError) {
    super(`the Supabase emulation's ${file2} does not install: ${sqlError.message}`);
    this.file = file2;
    this.sqlError = sqlError;
    this.name = "EmulationInstallError";
  }
  file;
  sqlError;
};
async function installEmulation(engine2, options) {
  const [present] = await engine2.query(`select to_regclass('auth.users') is not null as present`);
  if (present?.present) return;
  await engine2.exec(`set emulation.login_roles = '${options.loginRoles ? "on" : "off"}'`);
  try {
    for (const f of databaseFiles()) {
      try {
        await engine2.exec(f.sql);
      } catch (error) {
        throw new EmulationInstallError(f.name, toSqlError(error));
      }
    }
  } finally {
    await engine2.exec("reset emulation.login_roles").catch(() => void 0);
  }
}

// src/db/engine-cache.ts
var CACHE_DIR_ENV = "CREATE_SAAS_DB_CACHE_DIR";
var PACKAGED_IMAGE_ENV = "CREATE_SAAS_DB_PACKAGED_IMAGE";
function packagedImageDir(env = process.env) {
  if (env[PACKAGED_IMAGE_ENV]?.toLowerCase() === "off") return null;
  return path6.join(packageRoot, "dist", "engine-image");
}
function engineCacheDir(env = process.env) {
  const override = env[CACHE_DIR_ENV];
  if (override) return path6.resolve(override);
  const xdg = env["XDG_CACHE_HOME"];
  const base = xdg && path6.isAbsolute(xdg) ? xdg : path6.join(os.homedir() || os.tmpdir(), ".cache");
  return path6.join(base, "create-saas-db");
}
async function openPreparedEngine(grants, options = {}) {
  const prepared = await openStandInWithoutGrantDefaults(options);
  try {
    await prepared.engine.exec(grantModeSql(grants));
  } catch (error) {
    await prepared.engine.close();
    throw error;
  }
  return prepared;
}
async function openStandInWithoutGrantDefaults(options = {}) {
  const extensions = options.extensions ?? [];
  if (extensions.length > 0) await loadEmbeddedExtensions(extensions);
  const packaged = options.packagedImageDir === void 0 ? packagedImageDir() : options.packagedImageDir;
  if (packaged) {
    const engine2 = await bootFromImage(imageFile(packaged), { removeWhenUnusable: false, extensions });
    if (engine2) return { engine: engine2, source: "package" };
  }
  const file2 = imageFile(options.cacheDir ?? engineCacheDir());
  const cached3 = await bootFromImage(file2, { removeWhenUnusable: true, extensions });
  if (cached3) return { engine: cached3, source: "cache" };
  if (unsaved?.file === file2) return { engine: await bootImage(unsaved.image, extensions), source: "built" };
  const built = await buildImage();
  const { image } = built;
  await saveImage(image, file2).then(() => removeStaleImages(file2)).catch(() => {
    unsaved = { file: file2, image };
  });
  if (extensions.length === 0) return { engine: built.engine, source: "built" };
  await built.engine.close();
  return { engine: await bootImage(image, extensions), source: "built" };
}
function imageFile(dir) {
  return path6.join(dir, `${IMAGE_PREFIX}${imageKey()}.tar`);
}
async function buildImage() {
  const engine2 = await freshEngine();
  try {
    await engine2.exec(embeddedBootstrapSql());
    await installEmulation(engine2, { loginRoles: true });
    await engine2.exec("checkpoint");
    const image = await engine2.pglite.dumpDataDir("none");
    await enterUserSession(engine2);
    return { engine: engine2, image };
  } catch (error) {
    await engine2.close();
    throw error;
  }
}
var IMAGE_PREFIX = "pglite-standin-";
var IMAGE_LAYOUT = "wal-segment-1MB, settings in postgresql.conf, bootstrap user supabase_admin";
var imageKeyCache = null;
function imageKey() {
  if (imageKeyCache) return imageKeyCache;
  const pglite = pgliteVersion();
  const hash = createHash2("sha256").update(JSON.stringify({ pkg: packageVersion(), pglite, layout: IMAGE_LAYOUT, emulation: emulationDigest() })).digest("hex");
  return imageKeyCache = `${packageVersion()}-${pglite}-${hash.slice(0, 12)}`;
}
function pgliteVersion() {
  let dir = path6.dirname(fileURLToPath2(import.meta.resolve("@electric-sql/pglite")));
  for (; ; ) {
    try {
      const manifest = JSON.parse(readFileSync5(path6.join(dir, "package.json"), "utf8"));
      if (manifest.name === "@electric-sql/pglite" && manifest.version) return manifest.version;
    } catch {
    }
    const parent = path6.dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}
async function bootFromImage(file2, { removeWhenUnusable, extensions }) {
  const unusable = async () => {
    if (removeWhenUnusable) await rm2(file2, { force: true });
    return null;
  };
  const valid = await isUncompressedTar(file2);
  if (valid === null) return null;
  if (!valid) return unusable();
  try {
    return await bootImage(await openAsBlob(file2), extensions);
  } catch {
    return unusable();
  }
}
async function bootImage(image, extensions) {
  const engine2 = await createEmbeddedEngine({ loadDataDir: image, username: EMBEDDED_LOGIN_ROLE, extensions });
  try {
    await engine2.query(`select 'auth.users'::regclass, 'service_role'::regrole`);
    await enterUserSession(engine2);
    return engine2;
  } catch (error) {
    await engine2.close().catch(() => void 0);
    throw error;
  }
}
async function enterUserSession(engine2) {
  await engine2.exec(`set session authorization ${USER_ROLE}`);
  await applyLoginSettings(engine2);
}
async function applyLoginSettings(engine2) {
  await engine2.query(`
    select pg_catalog.set_config(split_part(setting, '=', 1), substr(setting, strpos(setting, '=') + 1), false)
      from pg_catalog.pg_db_role_setting s
     cross join lateral unnest(s.setconfig) as setting
     where s.setrole in (0, (select oid from pg_catalog.pg_roles where rolname = current_user))
       and s.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
     order by s.setrole <> 0 and s.setdatabase <> 0, s.setrole <> 0`);
}
async function isUncompressedTar(file2) {
  const handle2 = await open2(file2, "r").catch(() => null);
  if (!handle2) return null;
  try {
    const { size } = await handle2.stat();
    const header = Buffer.alloc(512);
    await handle2.read(header, 0, 512, 0);
    return size >= 1024 && size % 512 === 0 && header.subarray(257, 262).toString("latin1") === "ustar";
  } finally {
    await handle2.close();
  }
}
var unsaved = null;
async function freshEngine() {
  const engine2 = await createEmbeddedEngine({
    initdb: { walSegmentMiB: 1, settings: { shared_buffers: "16MB", min_wal_size: "2MB" } }
  });
  try {
    await slimDataDir(engine2);
  } catch (error) {
    await engine2.close();
    throw error;
  }
  return engine2;
}
async function slimDataDir(engine2) {
  await engine2.exec(`update pg_catalog.pg_database set datistemplate = false where datname in ('template0', 'template1')`);
  await engine2.exec("drop database template0");
  await engine2.exec("drop database template1");
  await engine2.exec("checkpoint");
}
async function saveImage(image, file2) {
  await mkdir(path6.dirname(file2), { recursive: true });
  await writeFileAtomic(file2, new Uint8Array(await image.arrayBuffer()));
}
async function removeStaleImages(file2) {
  const dir = path6.dirname(file2);
  const names = await readdir(dir).catch(() => []);
  await Promise.all(
    names.filter((name) => name.startsWith(IMAGE_PREFIX) && name.endsWith(".tar") && name !== path6.basename(file2)).map((name) => rm2(path6.join(dir, name), { force: true }))
  );
}

// src/db/commit-dependent.ts
var RULES = [
  { pattern: /^(?:begin|start\s+transaction|commit|end|rollback|abort|prepare\s+transaction)\b/i, reason: "ends or opens a transaction" },
  // Until its transaction commits, a new enum value cannot be used (unless the type is as new).
  { pattern: /\balter\s+type\b[\s\S]*\badd\s+value\b/i, reason: "adds an enum value" },
  // Lasts until the transaction ends: the next file would still see it.
  { pattern: /^set\s+local\b/i, reason: "sets a transaction-local setting" },
  // Called by the statement itself; a function that calls it when called later is not flagged.
  { pattern: /^(?:select|do)\b[\s\S]*\bset_config\s*\((?:[^()]|\([^()]*\))*,\s*true\s*\)/i, reason: "sets a transaction-local setting" },
  { pattern: /^set\s+constraints\b/i, reason: "changes when constraints are checked in its transaction" },
  // Must come first in a transaction: after the savepoints of earlier files it is refused.
  { pattern: /^set\s+transaction\b/i, reason: "sets its transaction's characteristics" },
  { pattern: /\bon\s+commit\s+(?:drop|delete\s+rows)\b/i, reason: "creates a temporary table bound to the transaction" }
];
function commitDependence(sql) {
  for (const statement of splitStatements(sql)) {
    const rule = RULES.find((r) => r.pattern.test(statement.sql));
    if (rule) return rule.reason;
  }
  return null;
}

// src/db/transaction.ts
var units = 0;
function unitOfWork(engine2) {
  if (!engine2.insideTransaction) return { begin: "begin", commit: "commit", rollback: "rollback" };
  units += 1;
  const name = `unit_${units}`;
  return {
    begin: `savepoint ${name}`,
    // Releasing a savepoint checks no deferred constraint; SET CONSTRAINTS ALL IMMEDIATE does,
    // and rolling back to the inner savepoint restores the constraint modes it changed.
    commit: `savepoint ${name}_deferred; set constraints all immediate; rollback to savepoint ${name}_deferred; release savepoint ${name}`,
    rollback: `rollback to savepoint ${name}; release savepoint ${name}`
  };
}
function insideOuterTransaction(engine2) {
  return Object.assign(Object.create(engine2), { insideTransaction: true });
}

// src/emulation/supautils.ts
import { readFileSync as readFileSync6 } from "node:fs";
import path7 from "node:path";
var SUPAUTILS_CONFIG_FILE = path7.join(packageRoot, "resources", "emulation", "supautils", "platform.json");
var config = null;
function supautilsConfig() {
  if (config) return config;
  const file2 = JSON.parse(readFileSync6(SUPAUTILS_CONFIG_FILE, "utf8"));
  const role = file2.privilegedRole;
  return config = {
    superuser: file2.superuser,
    privilegedExtensions: new Set(file2.privilegedExtensions),
    policyTables: new Set(file2.policyGrants[role] ?? []),
    dropTriggerTables: new Set(file2.dropTriggerGrants[role] ?? []),
    reservedRoles: new Map(
      file2.reservedRoles.map((entry) => [entry.replace(/\*$/, ""), { settingsAllowed: entry.endsWith("*") }])
    ),
    reservedMemberships: new Set(file2.reservedMemberships)
  };
}
function isPrivilegedExtension(name) {
  return supautilsConfig().privilegedExtensions.has(name);
}
var IDENT2 = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
var QUALIFIED = String.raw`${IDENT2}(?:\s*\.\s*${IDENT2})?`;
var SESSION_AUTHORIZATION = /^(?:set\s+(?:session\s+|local\s+)?session\s+authorization|reset\s+session\s+authorization)\b/i;
var SET_ROLE = new RegExp(String.raw`^set\s+(?:session\s+|local\s+)?role\s+(${IDENT2}|'[^']*')`, "i");
var ALTER_ROLE = new RegExp(String.raw`^alter\s+(?:role|user)\s+(${IDENT2})(?:\s+in\s+database\s+${IDENT2})?\s*([\s\S]*)$`, "i");
var DROP_ROLE = /^drop\s+(?:role|user)\s+(?:if\s+exists\s+)?([\s\S]+)$/i;
var GRANT_ROLES = /^grant\s+([\s\S]+?)\s+to\s+/i;
var DROP_TRIGGER = new RegExp(String.raw`^drop\s+trigger\s+(?:if\s+exists\s+)?${IDENT2}\s+on\s+(${QUALIFIED})`, "i");
var POLICY = new RegExp(String.raw`^(?:create|alter|drop)\s+policy\s+(?:if\s+exists\s+)?${IDENT2}\s+on\s+(${QUALIFIED})`, "i");
var PUBLICATION = new RegExp(String.raw`^create\s+publication\s+(${IDENT2})[\s\S]*\bfor\s+(?:all\s+tables|tables\s+in\s+schema)\b`, "i");
var EVENT_TRIGGER = new RegExp(String.raw`^create\s+event\s+trigger\s+(${IDENT2})`, "i");
var FDW = new RegExp(String.raw`^create\s+foreign\s+data\s+wrapper\s+(${IDENT2})`, "i");
var notAllowed = (message, hint) => ({
  kind: "refuse",
  error: new SqlError(message, "42501", void 0, void 0, hint)
});
function supautilsRule(sql) {
  const cfg = supautilsConfig();
  if (SESSION_AUTHORIZATION.test(sql)) {
    return notAllowed(
      "SET/RESET SESSION AUTHORIZATION is not allowed on Supabase: migrations run as postgres, which cannot become another session user",
      "Remove the statement; use security definer functions for what needs another role."
    );
  }
  const setRole = SET_ROLE.exec(sql);
  if (setRole && identifier2(setRole[1]) === cfg.superuser) {
    return notAllowed(`SET ROLE ${cfg.superuser} is not allowed on Supabase: postgres is not a member of ${cfg.superuser}`);
  }
  const alterRole = ALTER_ROLE.exec(sql);
  if (alterRole) {
    const name = identifier2(alterRole[1]);
    const reserved = cfg.reservedRoles.get(name);
    if (!reserved) return null;
    if (reserved.settingsAllowed && /^(?:set|reset)\b/i.test(alterRole[2].trim())) return { kind: "elevate" };
    return notAllowed(`"${name}" is a reserved role, only superusers can modify it`);
  }
  const dropRole = DROP_ROLE.exec(sql);
  if (dropRole) {
    const reserved = identifiers(dropRole[1]).find((name) => cfg.reservedRoles.has(name));
    return reserved ? notAllowed(`"${reserved}" is a reserved role, only superusers can modify it`) : null;
  }
  const grant = GRANT_ROLES.exec(sql);
  if (grant && !/\bon\b/i.test(grant[1])) {
    const reserved = identifiers(grant[1]).find((name) => cfg.reservedMemberships.has(name));
    return reserved ? notAllowed(`"${reserved}" role memberships are reserved, only superusers can grant them`) : null;
  }
  const dropTrigger = DROP_TRIGGER.exec(sql);
  if (dropTrigger) return { kind: "elevate-on-granted-table", grant: "drop trigger", table: dropTrigger[1] };
  const policy = POLICY.exec(sql);
  if (policy) return { kind: "elevate-on-granted-table", grant: "policy", table: policy[1] };
  const publication = PUBLICATION.exec(sql);
  if (publication) return { kind: "elevate", handOver: { kind: "publication", name: identifier2(publication[1]) } };
  const eventTrigger = EVENT_TRIGGER.exec(sql);
  if (eventTrigger) return { kind: "elevate", handOver: { kind: "event trigger", name: identifier2(eventTrigger[1]) } };
  const fdw = FDW.exec(sql);
  if (fdw) return { kind: "elevate", handOver: { kind: "foreign data wrapper", name: identifier2(fdw[1]) } };
  return null;
}
function isGrantedTable(grant, table) {
  const cfg = supautilsConfig();
  return (grant === "policy" ? cfg.policyTables : cfg.dropTriggerTables).has(table);
}
async function canElevate(engine2) {
  if (engine2.kind !== "embedded") return false;
  const [row] = await engine2.query(
    `select session_user::text = $1 and current_user::text = $1
            and not coalesce((select rolsuper from pg_catalog.pg_roles where rolname = $1), true)
            and coalesce((select rolsuper from pg_catalog.pg_roles where rolname = $2), false) as ok`,
    [USER_ROLE, EMBEDDED_LOGIN_ROLE]
  );
  return Boolean(row?.ok);
}
async function asPlatformSuperuser(engine2, work) {
  await engine2.exec(`set session authorization ${supautilsConfig().superuser}`);
  let result;
  try {
    result = await work();
  } catch (error) {
    await engine2.exec(`set session authorization ${USER_ROLE}`).catch(() => void 0);
    throw error;
  }
  await engine2.exec(`set session authorization ${USER_ROLE}`);
  return result;
}
async function runElevated(engine2, sql, handOver) {
  await asPlatformSuperuser(engine2, async () => {
    await engine2.exec(sql);
    if (handOver) await handOverToPostgres(engine2, handOver);
  });
}
async function handOverToPostgres(engine2, object) {
  const [catalog, ownerColumn, nameColumn] = {
    publication: ["pg_publication", "pubowner", "pubname"],
    "event trigger": ["pg_event_trigger", "evtowner", "evtname"],
    "foreign data wrapper": ["pg_foreign_data_wrapper", "fdwowner", "fdwname"]
  }[object.kind];
  await engine2.query(
    `update pg_catalog.${catalog} set ${ownerColumn} = (select oid from pg_catalog.pg_roles where rolname = $1) where ${nameColumn} = $2`,
    [USER_ROLE, object.name]
  );
}
async function resolveTable(engine2, written) {
  const [row] = await engine2.query(
    `select n.nspname || '.' || c.relname as name from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = pg_catalog.to_regclass($1)`,
    [written]
  );
  return row?.name ?? null;
}
function identifier2(token) {
  if (token.startsWith("'")) return token.slice(1, -1);
  return token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toLowerCase();
}
function identifiers(list) {
  return (list.match(new RegExp(IDENT2, "g")) ?? []).map(identifier2);
}

// src/db/extension-substitution.ts
var MAY_NEED_HANDLING = /\b(?:extension|trigger|policy|publication|authorization|role|user|wrapper|grant)\b/i;
async function planStatements(engine2, script) {
  if (!MAY_NEED_HANDLING.test(script)) return null;
  const pieces = [];
  const emulated = [];
  let elevation = null;
  const elevated = () => elevation ??= canElevate(engine2);
  let cursor = 0;
  for (const statement of splitStatements(script)) {
    const run = await handle(engine2, statement, emulated, elevated);
    if (!run) continue;
    if (statement.offset > cursor) pieces.push({ kind: "sql", sql: script.slice(cursor, statement.offset), offset: cursor });
    pieces.push({ kind: "substituted", offset: statement.offset, run });
    const end = script.indexOf(";", statement.offset + statement.sql.length);
    cursor = end === -1 ? script.length : end + 1;
  }
  if (pieces.length === 0) return null;
  if (cursor < script.length) pieces.push({ kind: "sql", sql: script.slice(cursor), offset: cursor });
  return { pieces, emulated };
}
async function handle(engine2, statement, emulated, elevated) {
  const extension = extensionStatement(statement.sql, statement.offset);
  if (extension) {
    const run = await substitute(engine2, extension, emulated, elevated);
    if (run) return run;
    const names = extension.action === "drop" ? extension.names : [extension.name];
    if (names.some(isPrivilegedExtension) && await elevated()) return (target) => runElevated(target, statement.sql);
    return null;
  }
  const rule = supautilsRule(statement.sql);
  if (!rule) return null;
  if (rule.kind === "refuse") return () => Promise.reject(rule.error);
  if (!await elevated()) return null;
  if (rule.kind === "elevate") return (target) => runElevated(target, statement.sql, rule.handOver);
  const table = await resolveTable(engine2, rule.table);
  if (!table || !isGrantedTable(rule.grant, table)) return null;
  return (target) => runElevated(target, statement.sql);
}
async function substitute(engine2, statement, emulated, elevated) {
  if (statement.action === "create") {
    const support = extensionSupport(statement.name);
    if (support?.kind === "stand-in") {
      if (await usableForReal(engine2, statement.name)) return null;
      if (!emulated.some((e) => e.name === statement.name)) emulated.push({ name: statement.name, note: support.note });
      for (const required of support.requires ?? []) {
        const requirement = extensionSupport(required);
        if (requirement?.kind === "stand-in" && !emulated.some((e) => e.name === required)) {
          emulated.push({ name: required, note: requirement.note });
        }
      }
      if (isPrivilegedExtension(statement.name) && await elevated()) {
        return (target) => asPlatformSuperuser(target, () => installStandIn(target, statement));
      }
      return (target) => installStandIn(target, statement);
    }
    if (support?.kind === "unsupported") {
      if (await usableForReal(engine2, statement.name)) return null;
      return () => Promise.reject(new SqlError(`extension "${statement.name}" is not available`, "0A000", void 0, void 0, support.reason));
    }
    return null;
  }
  const names = statement.action === "drop" ? statement.names : [statement.name];
  const standIns = [];
  for (const name of names) if (await isStandIn(engine2, name)) standIns.push(name);
  if (standIns.length === 0) return null;
  if (statement.action === "other") return async () => {
  };
  const real = names.filter((name) => !standIns.includes(name));
  const asSuperuser = names.some(isPrivilegedExtension) && await elevated();
  const drop = async (target) => {
    if (real.length > 0) {
      const list = real.map(quoteIdent).join(", ");
      await target.exec(
        `drop extension ${statement.ifExists ? "if exists " : ""}${list}${/\bcascade\s*$/i.test(statement.sql) ? " cascade" : ""}`
      );
    }
    for (const name of standIns) await dropStandIn(target, name, statement.ifExists);
  };
  return asSuperuser ? (target) => asPlatformSuperuser(target, () => drop(target)) : drop;
}
async function isStandIn(engine2, name) {
  if (extensionSupport(name)?.kind !== "stand-in") return false;
  const [row] = await engine2.query(
    "select exists (select from pg_catalog.pg_extension where extname = $1) as installed",
    [name]
  );
  return !row?.installed;
}
var decisions = /* @__PURE__ */ new WeakMap();
async function usableForReal(engine2, name) {
  let known = decisions.get(engine2);
  if (!known) decisions.set(engine2, known = /* @__PURE__ */ new Map());
  const cached3 = known.get(name);
  if (cached3 !== void 0) return cached3;
  const [row] = await engine2.query(
    `select exists (select from pg_catalog.pg_extension where extname = $1) as installed,
            exists (select from pg_catalog.pg_available_extensions where name = $1) as available`,
    [name]
  );
  let usable = Boolean(row?.installed);
  if (!usable && row?.available) usable = await creatable(engine2, name);
  known.set(name, usable);
  return usable;
}
async function creatable(engine2, name) {
  const unit = unitOfWork(engine2);
  await engine2.exec(unit.begin);
  try {
    await engine2.exec(`create extension if not exists ${quoteIdent(name)} cascade`);
    return true;
  } catch {
    return false;
  } finally {
    await engine2.exec(unit.rollback).catch(() => void 0);
  }
}
async function installStandIn(engine2, statement) {
  const support = extensionSupport(statement.name);
  if (support?.kind !== "stand-in") return;
  const { install } = standInScripts(statement.name);
  const schema = await creationSchema(engine2, statement.schema, install);
  for (const required of support.requires ?? []) {
    const requirement = extensionSupport(required);
    if (requirement?.kind === "stand-in") {
      await installStandIn(engine2, { ...statement, name: required });
      continue;
    }
    const [row] = await engine2.query(
      "select exists (select from pg_catalog.pg_extension where extname = $1) as installed",
      [required]
    );
    if (row?.installed) continue;
    if (!statement.cascade) {
      throw new SqlError(
        `required extension "${required}" is not installed`,
        "42704",
        void 0,
        void 0,
        "Use CREATE EXTENSION ... CASCADE to install required extensions too."
      );
    }
    await engine2.exec(`create extension if not exists ${quoteIdent(required)} with schema ${quoteIdent(schema)}`);
  }
  await engine2.exec(withExtensionSchema(install, schema));
}
async function creationSchema(engine2, named, install) {
  if (named !== null) {
    if (new RegExp(String.raw`create\s+schema\s+if\s+not\s+exists\s+${named.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\s*;`, "i").test(install))
      return named;
    const [row2] = await engine2.query(
      "select exists (select from pg_catalog.pg_namespace where nspname = $1) as exists",
      [named]
    );
    if (!row2?.exists) throw new SqlError(`schema "${named}" does not exist`, "3F000", void 0);
    return named;
  }
  const [row] = await engine2.query("select current_schema() as schema");
  if (!row?.schema) throw new SqlError("no schema has been selected to create in", "3F000", void 0);
  return row.schema;
}
async function dropStandIn(engine2, name, ifExists) {
  const { install, drop } = standInScripts(name);
  const schema = await installedSchema(engine2, install);
  if (schema === void 0) {
    if (ifExists) return;
    throw new SqlError(`extension "${name}" does not exist`, "42704", void 0);
  }
  try {
    await engine2.exec(withExtensionSchema(drop, schema ?? "public"));
  } catch (error) {
    throw toSqlError(error);
  }
}
async function installedSchema(engine2, install) {
  const placed = /create\s+or\s+replace\s+function\s+@extschema@\.([a-z_0-9]+)/i.exec(install)?.[1];
  if (placed) {
    const [row2] = await engine2.query(
      `select n.nspname as schema from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        where p.proname = $1 order by array_position(current_schemas(false), n.nspname) nulls last limit 1`,
      [placed]
    );
    return row2?.schema;
  }
  const fixed = /create\s+schema\s+if\s+not\s+exists\s+([a-z_0-9]+)/i.exec(install)?.[1];
  if (!fixed) return null;
  const [row] = await engine2.query(
    "select exists (select from pg_catalog.pg_namespace where nspname = $1) as exists",
    [fixed]
  );
  return row?.exists ? null : void 0;
}
function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

// src/db/apply-migrations.ts
var MigrationError = class extends Error {
  constructor(file2, line, sqlError) {
    super(`${file2}${line === void 0 ? "" : `:${line}`}: ${sqlError.message}`);
    this.file = file2;
    this.line = line;
    this.sqlError = sqlError;
    this.name = "MigrationError";
  }
  file;
  line;
  sqlError;
};
var NeedsOwnTransactionError = class extends Error {
  constructor(file2, reason) {
    super(`${file2} ${reason}: it needs a transaction of its own`);
    this.file = file2;
    this.reason = reason;
    this.name = "NeedsOwnTransactionError";
  }
  file;
  reason;
};
async function applyMigrations(engine2, files2) {
  const emulated = /* @__PURE__ */ new Map();
  for (const file2 of files2) {
    for (const extension of (await applySqlFile(engine2, file2)).emulatedExtensions) {
      if (!emulated.has(extension.name)) emulated.set(extension.name, extension);
    }
  }
  return { emulatedExtensions: [...emulated.values()] };
}
async function applySqlFile(engine2, file2) {
  const dependence = engine2.insideTransaction ? commitDependence(file2.sql) : null;
  if (dependence) throw new NeedsOwnTransactionError(file2.name, dependence);
  const plan = await planStatements(engine2, file2.sql);
  const pieces = plan?.pieces ?? [{ kind: "sql", sql: file2.sql, offset: 0 }];
  const identity = await sessionIdentity(engine2);
  const failure = await runInTransaction(engine2, pieces);
  if (!failure) {
    await requireSameIdentity(engine2, file2, identity);
    return { emulatedExtensions: plan?.emulated ?? [] };
  }
  const { error, index } = failure;
  const piece = pieces[index];
  const line = piece.kind === "sql" ? lineInPiece(file2.sql, piece, error) ?? await locateFailingStatement(engine2, file2.sql, pieces, index) : lineOfOffset(file2.sql, piece.offset);
  throw new MigrationError(file2.name, line, error);
}
async function sessionIdentity(engine2) {
  const [row] = await engine2.query("select session_user::text as session, current_user::text as current");
  return row;
}
async function requireSameIdentity(engine2, file2, before) {
  const after = await sessionIdentity(engine2);
  if (after.session === before.session && after.current === before.current) return;
  if (after.session !== before.session) await engine2.exec(`set session authorization ${quoteIdent2(before.session)}`).catch(() => void 0);
  await engine2.exec(before.current === before.session ? "reset role" : `set role ${quoteIdent2(before.current)}`).catch(() => void 0);
  const now = after.session === after.current ? after.session : `${after.current} (session user ${after.session})`;
  throw new MigrationError(
    file2.name,
    void 0,
    new SqlError(
      `the file leaves the session as ${now}, not ${before.current}: changing the session's role for the files after it is not allowed on Supabase`,
      "42501",
      void 0,
      void 0,
      "Reset the role before the file ends (reset role), or use set local role inside a transaction."
    )
  );
}
function quoteIdent2(name) {
  return `"${name.replaceAll('"', '""')}"`;
}
async function runInTransaction(engine2, pieces) {
  const unit = unitOfWork(engine2);
  await engine2.exec(unit.begin);
  let index = 0;
  try {
    for (; index < pieces.length; index += 1) await runPiece(engine2, pieces[index]);
    index = pieces.length - 1;
    await engine2.exec(unit.commit);
    return null;
  } catch (error) {
    await engine2.exec(unit.rollback).catch(() => {
    });
    return { error: toSqlError(error), index };
  }
}
function runPiece(engine2, piece) {
  return piece.kind === "sql" ? engine2.exec(piece.sql) : piece.run(engine2);
}
function lineInPiece(script, piece, error) {
  const line = error.lineIn(piece.sql);
  return line === void 0 ? void 0 : lineOfOffset(script, piece.offset) + line - 1;
}
async function locateFailingStatement(engine2, script, pieces, failing) {
  const unit = unitOfWork(engine2);
  await engine2.exec(unit.begin);
  try {
    for (const piece2 of pieces.slice(0, failing)) await runPiece(engine2, piece2);
    const piece = pieces[failing];
    if (piece.kind !== "sql") return lineOfOffset(script, piece.offset);
    for (const statement of splitStatements(piece.sql)) {
      try {
        await engine2.exec(statement.sql);
      } catch (error) {
        return lineInStatement(script, piece.offset + statement.offset, statement.sql, toSqlError(error));
      }
    }
    return void 0;
  } catch {
    return void 0;
  } finally {
    await engine2.exec(unit.rollback).catch(() => {
    });
  }
}
function lineInStatement(script, offset, statement, error) {
  const startLine = lineOfOffset(script, offset);
  if (error.position !== void 0) return startLine + lineOfPosition(statement, error.position) - 1;
  const blockLine = /inline_code_block line (\d+)/.exec(error.where ?? "")?.[1];
  const body = /^do\s+(?:language\s+\w+\s+)?(\$[A-Za-z_0-9]*\$)/i.exec(statement);
  if (blockLine && body) return startLine + lineOfOffset(statement, body[0].length) - 1 + Number(blockLine) - 1;
  return startLine;
}
function lineOfOffset(text, offset) {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

// ../../../tmp/sp/exp/exp3.ts
var [mode, nArg] = process.argv.slice(2);
var N = Number(nArg);
var files = Array.from({ length: N }, (_, i) => ({ name: `f${i + 1}.sql`, sql: `create table public.t${i + 1} (id bigint primary key, note text);
alter table public.t${i + 1} enable row level security;
` }));
var cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
var t0 = cpu();
var engine;
if (mode === "shared") {
  engine = (await openStandInWithoutGrantDefaults()).engine;
  await engine.exec(`begin; savepoint m; ${grantModeSql("legacy")}`);
} else engine = (await openPreparedEngine("legacy")).engine;
var t1 = cpu();
await applyMigrations(mode === "shared" ? insideOuterTransaction(engine) : engine, files);
console.log(mode, N, "boot cpu", Math.round(t1 - t0), "apply cpu", Math.round(cpu() - t1), "ms/file", ((cpu() - t1) / N).toFixed(2));
await engine.close();
