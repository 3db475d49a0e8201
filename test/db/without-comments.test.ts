import { describe, expect, it } from 'vitest';
import { withoutComments } from '../../src/db/split-statements.js';

describe('withoutComments', () => {
  it('replaces each comment (a line comment with its newline) by a space, and leaves strings, quoted names and dollar quotes as written', () => {
    const script = `select 1; -- one\n/* two */ select '-- three', "/* four */", $$ -- five $$;`;
    expect(withoutComments(script)).toBe(`select 1;    select '-- three', "/* four */", $$ -- five $$;`);
  });

  it('with bodies, reads each dollar quote as code, nested ones and an unterminated one too', () => {
    const script = `do $outer$ begin -- a\n execute $q$ select 1 /* b */ $q$; perform '-- c'; end $outer$; -- d`;
    expect(withoutComments(script, { bodies: true })).toBe(`do $outer$ begin   execute $q$ select 1   $q$; perform '-- c'; end $outer$;  `);
    expect(withoutComments(`select $$ x -- y\nz`, { bodies: true })).toBe(`select $$ x  z`);
  });
});
