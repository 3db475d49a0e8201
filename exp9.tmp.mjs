// src/db/engine.ts
import { PGlite } from "@electric-sql/pglite";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { uuid_ossp } from "@electric-sql/pglite/contrib/uuid_ossp";

// src/emulation/extensions.ts
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
var IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$-]*)`;
var CREATE = new RegExp(String.raw`^create\s+extension\s+(if\s+not\s+exists\s+)?(${IDENT})([\s\S]*)$`, "i");
var DROP = new RegExp(String.raw`^drop\s+extension\s+(if\s+exists\s+)?(${IDENT}(?:\s*,\s*${IDENT})*)\s*(cascade|restrict)?\s*$`, "i");
var OTHER = new RegExp(String.raw`^(?:alter\s+extension|comment\s+on\s+extension)\s+(${IDENT})`, "i");
var STAND_IN_DIR = path2.join(packageRoot, "resources", "emulation", "extensions");

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
async function createPostgresEngine(url, limits = {}) {
  const statementTimeoutMs = limits.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const client = await connectPostgres(url, { ...limits, statementTimeoutMs });
  let closed = false;
  let queue = Promise.resolve();
  const run = (call) => {
    const next = queue.then(() => withStatementDeadline(client, url, statementTimeoutMs, call));
    queue = next.catch(() => void 0);
    return next;
  };
  return {
    kind: "postgres",
    async exec(sql) {
      refuseServerPrograms(sql);
      await run(() => client.query(sql));
    },
    async query(sql, params = []) {
      refuseServerPrograms(sql);
      return (await run(() => client.query(sql, params))).rows;
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {
      });
    }
  };
}
var DEFAULT_CONNECT_TIMEOUT_MS = 1e4;
var DEFAULT_STATEMENT_TIMEOUT_MS = 3e4;
var QUERY_CANCELED = "57014";
var statementTimeoutMessage = (ms) => `statement timeout: a statement ran longer than ${ms / 1e3} s (--statement-timeout)`;
async function withStatementDeadline(client, url, limitMs, call) {
  let timedOut = false;
  const pid = client.processID;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopBackend(url, pid);
  }, limitMs + 1e3);
  try {
    return await call();
  } catch (error) {
    const sqlError = toSqlError(error);
    if (timedOut || sqlError.code === QUERY_CANCELED && /statement timeout/.test(sqlError.message)) {
      throw new SqlError(statementTimeoutMessage(limitMs), QUERY_CANCELED, void 0, void 0, void 0, sqlError.where);
    }
    throw sqlError;
  } finally {
    clearTimeout(timer);
  }
}
async function stopBackend(url, pid) {
  if (pid === null) return;
  const other = await connectPostgres(url).catch(() => null);
  if (!other) return;
  try {
    await other.query("select pg_cancel_backend($1)", [pid]);
    await new Promise((resolve) => setTimeout(resolve, 2e3));
    await other.query("select pg_terminate_backend($1)", [pid]);
  } catch {
  } finally {
    await other.end().catch(() => void 0);
  }
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
async function connectPostgres(url, limits = {}) {
  const { Client } = (await import("pg")).default;
  const connectTimeoutMs = limits.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    ...limits.statementTimeoutMs ? { statement_timeout: limits.statementTimeoutMs } : {},
    ...limits.applicationName ? { application_name: limits.applicationName } : {}
  });
  client.on("error", () => {
  });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {
    });
    const message = error instanceof Error ? error.message : String(error);
    if (/timeout/i.test(message) && !error.code) {
      throw new SqlError(`no answer from the server within ${connectTimeoutMs / 1e3} s (connect timeout)`, "08001", void 0);
    }
    throw toSqlError(error);
  }
}

// src/emulation/install.ts
import { readdirSync, readFileSync as readFileSync2 } from "node:fs";
import path3 from "node:path";
var EMULATION_SQL_DIR = path3.join(packageRoot, "resources", "emulation", "sql");
var NUMBERED = /^\d+_[A-Za-z0-9_-]+\.sql$/;
var cached = null;
function load() {
  if (cached) return cached;
  const all = readdirSync(EMULATION_SQL_DIR, { recursive: true }).map((name) => name.split(path3.sep).join("/")).filter((name) => name.endsWith(".sql")).sort().map((name) => ({ name, sql: readFileSync2(path3.join(EMULATION_SQL_DIR, name), "utf8") }));
  const database = all.filter((f) => NUMBERED.test(f.name));
  return cached = { database, all };
}
function databaseFiles() {
  return load().database;
}
var EmulationInstallError = class extends Error {
  constructor(file, sqlError) {
    super(`the Supabase emulation's ${file} does not install: ${sqlError.message}`);
    this.file = file;
    this.sqlError = sqlError;
    this.name = "EmulationInstallError";
  }
  file;
  sqlError;
};
async function installEmulation(engine, options) {
  const [present] = await engine.query(`select to_regclass('auth.users') is not null as present`);
  if (present?.present) return;
  await engine.exec(`set emulation.login_roles = '${options.loginRoles ? "on" : "off"}'`);
  try {
    for (const f of databaseFiles()) {
      try {
        await engine.exec(f.sql);
      } catch (error) {
        throw new EmulationInstallError(f.name, toSqlError(error));
      }
    }
  } finally {
    await engine.exec("reset emulation.login_roles").catch(() => void 0);
  }
}

// ../../../tmp/sp/exp/tpl.ts
var URL0 = "postgresql://postgres@127.0.0.1:5432/postgres";
var admin = await connectPostgres(URL0);
var t = performance.now();
var lap = (l) => {
  const n = performance.now();
  console.log(l.padEnd(28), Math.round(n - t));
  t = n;
};
for (let r = 0; r < 3; r++) {
  t = performance.now();
  await admin.query("create database exp_tpl");
  lap("create plain (tpl)");
  const e = await createPostgresEngine(URL0.replace(/postgres$/, "exp_tpl"));
  await installEmulation(e, { loginRoles: false });
  await e.close();
  lap("install once");
  await admin.query("create database exp_m1 template exp_tpl");
  lap("create from tpl");
  await admin.query("create database exp_m2 template exp_tpl");
  lap("create from tpl");
  await admin.query("create database exp_m3");
  lap("create plain");
  for (const d of ["exp_m1", "exp_m2", "exp_m3", "exp_tpl"]) await admin.query(`drop database ${d}`);
  lap("drop 4");
}
await admin.end();
