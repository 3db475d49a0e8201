#!/usr/bin/env node
// Precompiles every templates/**/*.hbs into dist/precompiled-templates.js, keyed by path and the
// source's sha256, so a run loads only the Handlebars runtime. Edited templates fall back to
// compiling at run time (see src/render/render.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const templates = path.join(root, 'templates');
const entries = readdirSync(templates, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.hbs'))
  .sort();
const lines = entries.map((file) => {
  const source = readFileSync(path.join(templates, file), 'utf8');
  const hash = createHash('sha256').update(source).digest('hex');
  const spec = Handlebars.precompile(source, { strict: true, noEscape: true });
  return `  ${JSON.stringify(file.split(path.sep).join('/'))}: { hash: ${JSON.stringify(hash)}, spec: ${spec} },`;
});
mkdirSync(path.join(root, 'dist'), { recursive: true });
writeFileSync(path.join(root, 'dist', 'precompiled-templates.js'), `export default {\n${lines.join('\n')}\n};\n`);
