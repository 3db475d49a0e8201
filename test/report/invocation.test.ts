import { describe, expect, it } from 'vitest';
import { selfCommand, withSelfCommand } from '../../src/report/invocation.js';

describe('selfCommand', () => {
  it('names the tool as the user ran it', () => {
    expect(selfCommand('/home/u/.npm/_npx/1a2b/node_modules/.bin/create-saas-db')).toBe('npx create-saas-db');
    expect(selfCommand('/work/app/node_modules/create-saas-db/bin/create-saas-db.js')).toBe('npx create-saas-db');
    expect(selfCommand('/usr/local/bin/create-saas-db')).toBe('create-saas-db');
    expect(selfCommand('/src/create-saas-db/bin/create-saas-db.js')).toBe('node /src/create-saas-db/bin/create-saas-db.js');
    expect(selfCommand("/home/o'neil/my clone/bin/create-saas-db.js")).toBe(`node '/home/o'\\''neil/my clone/bin/create-saas-db.js'`);
    expect(selfCommand(undefined)).toBe('npx create-saas-db');
  });

  it('rewrites steps and quoted commands that name the tool, nothing else', () => {
    const self = 'node /c/bin/create-saas-db.js';
    expect(withSelfCommand('create-saas-db verify 04   # proves it', self)).toBe('node /c/bin/create-saas-db.js verify 04   # proves it');
    expect(withSelfCommand('types not generated; run `create-saas-db types` once', self)).toBe(
      'types not generated; run `node /c/bin/create-saas-db.js types` once',
    );
    expect(withSelfCommand('written by create-saas-db from the migrations', self)).toBe('written by create-saas-db from the migrations');
    expect(withSelfCommand('create-saas-db verify 04', 'create-saas-db')).toBe('create-saas-db verify 04');
  });
});
