#!/usr/bin/env node
// A large, realistic user migration: a table of its own (with row level security, as Supabase
// expects), seed-like `insert … values (…),(…)` statements, and one long PL/pgSQL function (a
// fortieth of the file: 512 KiB of 20 MiB) whose body holds semicolons and quotes. Written in
// pieces, never held whole.
//   node scripts/big-migration.mjs <file> [MiB]   (default 20)
import { closeSync, openSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROWS_PER_INSERT = 400;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', "o'neil", 'semi;colon'];

const word = (n) => WORDS[n % WORDS.length].replaceAll("'", "''");

function insertStatement(first) {
  const rows = [];
  for (let id = first; id < first + ROWS_PER_INSERT; id++) {
    rows.push(
      `  (${id}, 'SKU-${String(id).padStart(8, '0')}', '${word(id)} ${word(id * 7)} item', '${word(id * 3)}: a seed row; with a semicolon and a $ sign', ${(id % 9973) / 100}, array['${word(id)}', '${word(id + 5)}'])`,
    );
  }
  return `insert into public.catalog_items (id, sku, name, description, price, tags) values\n${rows.join(',\n')};\n\n`;
}

/** A function of `lines` branches, about 90 bytes each. */
function bigFunction(lines) {
  const branches = [];
  for (let n = 0; n < lines; n++) branches.push(`  if code = 'C${n}' then return 'category ${word(n)}; number ${n}'; end if;`);
  return `create or replace function public.catalog_category(code text)
returns text
language plpgsql
immutable
set search_path = ''
as $body$
begin
${branches.join('\n')}
  return null;
end;
$body$;

`;
}

export function writeBigMigration(file, mib = 20) {
  const target = mib * 1024 * 1024;
  const fd = openSync(file, 'w');
  let written = 0;
  const write = (text) => {
    written += writeSync(fd, text);
  };
  try {
    write(`-- Seed-like catalog data: ${mib} MiB of SQL.
create table public.catalog_items (
  id bigint primary key,
  sku text not null unique,
  name text not null,
  description text,
  price numeric(10, 2),
  tags text[] not null default '{}'
);
alter table public.catalog_items enable row level security;

`);
    write(bigFunction(Math.floor(target / 40 / 90)));
    let id = 1;
    while (written < target) {
      write(insertStatement(id));
      id += ROWS_PER_INSERT;
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, mib] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node scripts/big-migration.mjs <file> [MiB]');
    process.exit(2);
  }
  console.log(`${writeBigMigration(file, mib ? Number(mib) : 20)} bytes written to ${file}`);
}
