/**
 * Text edits that add dependencies while keeping the file's own formatting: indentation, line
 * endings, key order and the trailing newline of package.json; the layout of pyproject.toml.
 */
export function addPackageJsonDependencies(
  text: string,
  wanted: Readonly<Record<string, string>>,
  /** Declared names whose range must be replaced by the wanted one (too old for the generated code). */
  upgrade: (name: string, declared: string) => boolean = () => false,
): { content: string; added: string[]; upgraded: DependencyUpgrade[] } | null {
  // A UTF-8 BOM is accepted and kept.
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const body = text.slice(bom.length);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return null;
  }
  const sections = ['dependencies', 'devDependencies'] as const;
  const declared: Record<string, string> = {
    ...(manifest['devDependencies'] as object | undefined),
    ...(manifest['dependencies'] as object | undefined),
  };
  const added = Object.keys(wanted).filter((name) => !(name in declared));
  const upgraded: DependencyUpgrade[] = Object.keys(wanted)
    .filter((name) => typeof declared[name] === 'string' && upgrade(name, declared[name]))
    .map((name) => ({ name, from: declared[name] ?? '', to: wanted[name] ?? '*' }));
  if (added.length === 0 && upgraded.length === 0) return { content: text, added, upgraded };
  for (const { name, to } of upgraded) {
    // Replaced where it is declared, keeping the section's key order.
    for (const section of sections) {
      const entries = manifest[section] as Record<string, string> | undefined;
      if (entries && name in entries) entries[name] = to;
    }
  }
  if (added.length > 0) {
    const dependencies = { ...((manifest['dependencies'] as Record<string, string> | undefined) ?? {}) };
    for (const name of added) dependencies[name] = wanted[name] ?? '*';
    manifest['dependencies'] = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const json = bom + JSON.stringify(manifest, null, detectIndent(body)).replace(/\n/g, eol);
  return { content: /\r?\n$/.test(body) ? json + eol : json, added, upgraded };
}

export interface DependencyUpgrade {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

function detectIndent(text: string): string | number {
  const match = /^[ \t]+(?=")/m.exec(text);
  return match?.[0] ?? 2;
}

/**
 * Adds a PEP 508 requirement to `[project] dependencies = [...]`, or `supabase = "…"` under
 * `[tool.poetry.dependencies]`. Null when neither section exists (nothing is invented).
 */
export function addPyprojectDependency(text: string, requirement: string, poetryName: string, poetryRange: string): string | null {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const project = sectionBounds(lines, 'project');
  if (project) {
    for (let i = project.start; i < project.end; i++) {
      const line = lines[i] ?? '';
      const inline = /^(\s*dependencies\s*=\s*\[)(.*)\]\s*$/.exec(line);
      if (inline) {
        const items = inline[2]?.trim() ?? '';
        lines[i] = `${inline[1]}${items === '' ? `"${requirement}"` : `${items.replace(/,\s*$/, '')}, "${requirement}"`}]`;
        return lines.join(eol);
      }
      if (/^\s*dependencies\s*=\s*\[\s*$/.test(line)) {
        const close = lines.findIndex((l, j) => j > i && /^\s*\]/.test(l));
        if (close < 0) return null;
        const itemIndent = /^(\s*)"/.exec(lines[i + 1] ?? '')?.[1] ?? '    ';
        const last = close - 1;
        if (last > i && !/,\s*(#.*)?$/.test(lines[last] ?? '')) lines[last] = `${lines[last]},`;
        lines.splice(close, 0, `${itemIndent}"${requirement}",`);
        return lines.join(eol);
      }
    }
  }
  const poetry = sectionBounds(lines, 'tool.poetry.dependencies');
  if (poetry) {
    let insertAt = poetry.end;
    while (insertAt > poetry.start + 1 && (lines[insertAt - 1] ?? '').trim() === '') insertAt--;
    lines.splice(insertAt, 0, `${poetryName} = "${poetryRange}"`);
    return lines.join(eol);
  }
  return null;
}

function sectionBounds(lines: string[], name: string): { start: number; end: number } | null {
  const start = lines.findIndex((l) => l.trim() === `[${name}]`);
  if (start < 0) return null;
  const next = lines.findIndex((l, i) => i > start && /^\s*\[/.test(l));
  return { start, end: next < 0 ? lines.length : next };
}

/** A requirement appended to requirements.txt as a line of its own, in the file's line endings. */
export function addRequirement(text: string, requirement: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const body = text === '' || /\n$/.test(text) ? text : text + eol;
  return `${body}${requirement}${eol}`;
}
