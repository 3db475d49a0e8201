/**
 * Rules the rendered web files must follow that a compiler cannot see, checked on their syntax
 * trees in every variant (Next 16 proxy / Next 15 middleware × env module / process × typed / untyped).
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { webLibTemplate } from '../../src/phase-04/artifacts.js';
import { exampleContext } from '../../src/render/context.js';
import { renderTemplate } from '../../src/render/render.js';
import { variantContext, type Variant } from './web-app.js';

const MATCHER =
  '/((?!_next/static|_next/image|favicon.ico|robots.txt|sitemap.xml|manifest.webmanifest|.*\\.(?:svg|png|jpg|jpeg|gif|webp|avif|ico|bmp|tif|tiff|woff|woff2|ttf|otf|eot|css|js|map|mp4|webm|mp3|wav|ogg|pdf|txt|xml|webmanifest)$).*)';
/** Next's documented form for skipping link prefetches. */
const NOT_PREFETCH = [
  { type: 'header', key: 'next-router-prefetch' },
  { type: 'header', key: 'purpose', value: 'prefetch' },
];
const LIB = ['client', 'server', 'admin', 'config', 'session'] as const;

const variants: Variant[] = [16, 15].flatMap((nextMajor) =>
  (['module', 'process'] as const).flatMap((env) => [false, true].map((typed) => ({ nextMajor: nextMajor as 15 | 16, env, typed }))),
);

async function renderVariant(variant: Variant) {
  const context = variantContext(variant);
  const files: Record<string, ts.SourceFile> = {};
  for (const name of LIB) {
    files[name] = parse(name, await renderTemplate(webLibTemplate(`${name}.ts.hbs`, context.web.env.kind), context));
  }
  files['root'] = parse('root', await renderTemplate('web/root/session-root.ts.hbs', context));
  return files as Record<(typeof LIB)[number] | 'root', ts.SourceFile>;
}

const parse = (name: string, text: string) => ts.createSourceFile(`${name}.ts`, text, ts.ScriptTarget.Latest, true);

function descendants(node: ts.Node): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (n: ts.Node) => {
    found.push(n);
    n.forEachChild(visit);
  };
  node.forEachChild(visit);
  return found;
}

const importSpecifiers = (file: ts.SourceFile) =>
  file.statements.filter(ts.isImportDeclaration).map((d) => (d.moduleSpecifier as ts.StringLiteral).text);

function exportedFunction(file: ts.SourceFile, name: string): ts.FunctionDeclaration | undefined {
  return file.statements.find(
    (s): s is ts.FunctionDeclaration =>
      ts.isFunctionDeclaration(s) && s.name?.text === name && !!s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword),
  );
}

const exportedNames = (file: ts.SourceFile) =>
  file.statements.flatMap((s) => {
    const modifiers = ts.canHaveModifiers(s) ? ts.getModifiers(s) : undefined;
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return [];
    if (ts.isFunctionDeclaration(s) || ts.isInterfaceDeclaration(s)) return [s.name?.text ?? ''];
    if (ts.isVariableStatement(s)) return s.declarationList.declarations.map((d) => d.name.getText());
    return [];
  });

describe.each(variants)('web templates: Next $nextMajor, env $env, typed $typed', (variant) => {
  const sessionFile = variant.nextMajor === 16 ? 'proxy' : 'middleware';

  it('keep the spec’s exported names and call shapes', async () => {
    const files = await renderVariant(variant);

    expect(exportedFunction(files.client, 'createClient')?.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)).toBe(false);
    expect(exportedFunction(files.server, 'createClient')?.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)).toBe(true);
    expect(exportedFunction(files.admin, 'createAdminClient')).toBeDefined();
    expect(exportedFunction(files.session, 'updateSession')?.parameters.map((p) => p.name.getText())).toEqual(['request']);
    const returned = descendants(exportedFunction(files.session, 'updateSession')!).filter(ts.isReturnStatement).at(-1);
    expect(returned?.expression?.getText()).toBe('{ supabaseResponse, claims, user }');
  });

  it('import each other relatively (never through the @/ alias) and use no non-null assertions', async () => {
    const files = await renderVariant(variant);

    for (const file of Object.values(files)) {
      for (const specifier of importSpecifiers(file)) {
        expect(specifier.startsWith('@/'), `${file.fileName} imports ${specifier}`).toBe(false);
      }
      expect(descendants(file).filter(ts.isNonNullExpression).map((n) => n.getText())).toEqual([]);
    }
    expect(importSpecifiers(files.root)).toEqual(['next/server', `./lib/supabase/${sessionFile}`]);
  });

  it(`the root file exports ${sessionFile} (no runtime export) and a matcher that skips static files and prefetches`, async () => {
    const files = await renderVariant(variant);

    expect(exportedNames(files.root)).toEqual([sessionFile, 'config']);
    const body = exportedFunction(files.root, sessionFile)!.body!.statements.map((s) => s.getText());
    expect(body).toEqual(['const { supabaseResponse } = await updateSession(request);', 'return supabaseResponse;']);
    const config = files.root.statements.filter(ts.isVariableStatement).at(-1)!.declarationList.declarations[0]!;
    // The config is a plain literal (Next reads it statically): evaluate it as JSON-like data.
    const value = new Function(`return (${config.initializer!.getText()});`)() as { matcher: { source: string; missing: unknown }[] };
    expect(value.matcher).toEqual([{ source: MATCHER, missing: NOT_PREFETCH }]);
    const source = new RegExp(`^${value.matcher[0]!.source}$`);
    for (const skipped of ['/robots.txt', '/sitemap.xml', '/hero.avif', '/fonts/inter.woff2', '/favicon.ico', '/icon.ico', '/_next/static/chunks/a.js', '/logo.svg']) {
      expect(source.test(skipped), skipped).toBe(false);
    }
    for (const matched of ['/', '/dashboard', '/api/jobs', '/auth/callback', '/blog/2026/hello']) {
      expect(source.test(matched), matched).toBe(true);
    }
  });

  it('give the cookie stores only getAll and setAll', async () => {
    const files = await renderVariant(variant);

    for (const file of [files.server, files.session]) {
      const cookieObjects = descendants(file).filter(
        (n): n is ts.PropertyAssignment => ts.isPropertyAssignment(n) && n.name.getText() === 'cookies',
      );
      expect(cookieObjects).toHaveLength(1);
      const methods = (cookieObjects[0]!.initializer as ts.ObjectLiteralExpression).properties.map((p) => p.name?.getText());
      expect(methods).toEqual(['getAll', 'setAll']);
    }
  });

  it('updateSession: nothing between createServerClient and getClaims, and the cache headers go onto the response', async () => {
    const files = await renderVariant(variant);
    const statements = exportedFunction(files.session, 'updateSession')!.body!.statements;

    const created = statements.findIndex((s) => s.getText().startsWith('const supabase = createServerClient'));
    expect(created).toBeGreaterThan(-1);
    expect(statements[created + 1]?.getText()).toBe('const result = await beforeDeadline(supabase.auth.getClaims(), deadline);');
    const setAll = descendants(files.session).find((n): n is ts.MethodDeclaration => ts.isMethodDeclaration(n) && n.name.getText() === 'setAll')!;
    expect(setAll.parameters.map((p) => p.name.getText())).toEqual(['cookiesToSet', 'headers']);
    expect(setAll.body!.getText()).toContain('supabaseResponse.headers.set(key, value)');
    expect(files.session.text).not.toMatch(/getUser|getSession/);
  });

  it('give every client the fetch with a time limit', async () => {
    const files = await renderVariant(variant);

    for (const file of [files.client, files.server, files.admin, files.session]) {
      const global = descendants(file).find((n): n is ts.PropertyAssignment => ts.isPropertyAssignment(n) && n.name.getText() === 'global');
      expect(global?.initializer.getText(), file.fileName).toMatch(/^\{ fetch: .*fetchWithTimeout\(/);
    }
    const fetchFunction = exportedFunction(files.config, 'fetchWithTimeout')!.getText();
    expect(fetchFunction).toContain('AbortSignal.timeout(timeoutMs)');
    // Both env variants ship the same function.
    const otherVariant: Variant = { ...variant, env: variant.env === 'module' ? 'process' : 'module' };
    const other = await renderTemplate(webLibTemplate('config.ts.hbs', otherVariant.env), variantContext(otherVariant));
    expect(other).toContain(fetchFunction);
  });

  it('server.ts awaits cookies() and keeps no client at module level', async () => {
    const files = await renderVariant(variant);

    expect(exportedFunction(files.server, 'createClient')!.body!.statements[0]!.getText()).toBe('const cookieStore = await cookies();');
    expect(files.server.statements.filter((s) => !ts.isImportDeclaration(s) && !ts.isFunctionDeclaration(s))).toEqual([]);
  });

  it("admin.ts is server-only and turns the client's session handling off", async () => {
    const files = await renderVariant(variant);

    expect(importSpecifiers(files.admin)[0]).toBe('server-only');
    const auth = descendants(files.admin).find((n): n is ts.PropertyAssignment => ts.isPropertyAssignment(n) && n.name.getText() === 'auth')!;
    expect(auth.initializer.getText().replace(/\s+/g, ' ')).toBe('{ autoRefreshToken: false, persistSession: false, detectSessionInUrl: false, }');
  });

  it(variant.typed ? 'pass <Database> to every client factory' : 'stay untyped', async () => {
    const files = await renderVariant(variant);
    const factoryCalls = [files.client, files.server, files.admin, files.session].flatMap((file) =>
      descendants(file).filter(
        (n): n is ts.CallExpression =>
          ts.isCallExpression(n) && /^(createBrowserClient|createServerClient|createSupabaseClient)$/.test(n.expression.getText()),
      ),
    );

    expect(factoryCalls).toHaveLength(4);
    for (const call of factoryCalls) {
      expect(call.typeArguments?.map((t) => t.getText()) ?? []).toEqual(variant.typed ? ['Database'] : []);
    }
    const typeImports = Object.values(files).filter((file) => importSpecifiers(file).includes('./database.types'));
    expect(typeImports.length).toBe(variant.typed ? 4 : 0);
  });

  it(variant.env === 'module' ? 'read URL and keys from the env module' : 'read URL and keys from literal process.env accesses', async () => {
    const files = await renderVariant(variant);
    const envAccesses = [files.config, files.admin].flatMap((file) =>
      descendants(file)
        .filter(ts.isPropertyAccessExpression)
        .filter((n) => /^(process\.env|publicEnv|env)$/.test(n.expression.getText()))
        .map((n) => n.getText()),
    );

    if (variant.env === 'module') {
      expect(envAccesses).toEqual(['publicEnv.NEXT_PUBLIC_SUPABASE_URL', 'publicEnv.NEXT_PUBLIC_SUPABASE_ANON_KEY', 'env.SUPABASE_SERVICE_ROLE_KEY']);
      expect(importSpecifiers(files.config)).toEqual(['../env']);
    } else {
      expect(envAccesses).toEqual([
        'process.env.NEXT_PUBLIC_SUPABASE_URL',
        'process.env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY',
        'process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY',
        'process.env.SUPABASE_SECRET_KEY',
        'process.env.SUPABASE_SERVICE_ROLE_KEY',
      ]);
      // No computed access: Next inlines only literal NEXT_PUBLIC_ reads into browser bundles.
      expect(descendants(files.config).filter(ts.isElementAccessExpression)).toEqual([]);
    }
    // The secret key never appears in config.ts, which the browser client imports.
    expect(files.config.text).not.toMatch(/SECRET|SERVICE_ROLE/);
  });
});

it('uses the key names the env module defines', async () => {
  const base = exampleContext();
  const context = exampleContext({
    web: {
      ...base.web,
      env: {
        kind: 'module',
        importPath: '../config/env',
        urlKey: 'NEXT_PUBLIC_SUPABASE_URL',
        publicKeyKey: 'NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY',
        secretKeyKey: 'SUPABASE_SECRET_KEY',
      },
    },
  });

  const config = await renderTemplate('web/lib/supabase/env-module/config.ts.hbs', context);
  const admin = await renderTemplate('web/lib/supabase/env-module/admin.ts.hbs', context);

  expect(config).toContain("import { publicEnv } from '../config/env';");
  expect(config).toContain('return publicEnv.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY;');
  expect(admin).toContain("import { env } from '../config/env';");
  expect(admin).toContain('return env.SUPABASE_SECRET_KEY;');
});
