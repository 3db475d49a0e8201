/**
 * A small layout printer in the style of Wadler's "prettier printer": groups print on one line
 * when they fit in the width, otherwise their line breaks are taken. It lays the generated
 * types out the way the Prettier-formatted output of `supabase gen types` looks (80 columns,
 * two-space indent) without a formatter dependency, and always prints the same bytes.
 */

export type Doc =
  | string
  | readonly Doc[]
  | { readonly type: 'group'; readonly contents: Doc }
  | { readonly type: 'indent'; readonly contents: Doc }
  | { readonly type: 'line'; readonly kind: 'line' | 'softline' | 'hardline' }
  | { readonly type: 'ifBreak'; readonly whenBroken: Doc; readonly whenFlat: Doc };

export const group = (contents: Doc): Doc => ({ type: 'group', contents });
export const indent = (contents: Doc): Doc => ({ type: 'indent', contents });
/** A space when flat, a newline when broken. */
export const line: Doc = { type: 'line', kind: 'line' };
/** Nothing when flat, a newline when broken. */
export const softline: Doc = { type: 'line', kind: 'softline' };
/** Always a newline; forces every enclosing group to break. */
export const hardline: Doc = { type: 'line', kind: 'hardline' };
export const ifBreak = (whenBroken: Doc, whenFlat: Doc = ''): Doc => ({ type: 'ifBreak', whenBroken, whenFlat });

export function join(separator: Doc, docs: readonly Doc[]): Doc[] {
  return docs.flatMap((doc, index) => (index === 0 ? [doc] : [separator, doc]));
}

type Mode = 'flat' | 'break';
interface Command {
  readonly indentation: number;
  readonly mode: Mode;
  readonly doc: Doc;
}

export function printDoc(doc: Doc, width = 80): string {
  const hardBroken = new WeakSet<object>();
  markHardBreaks(doc, hardBroken);

  // Lines already ended, and the current one (from its newline on): trimming trailing blanks
  // touches only the current line, so printing stays linear in the output's length.
  const ended: string[] = [];
  let output = '';
  let column = 0;
  const stack: Command[] = [{ indentation: 0, mode: 'break', doc }];

  while (stack.length > 0) {
    const { indentation, mode, doc: current } = stack.pop() as Command;
    if (typeof current === 'string') {
      output += current;
      column += current.length;
    } else if (isDocArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        stack.push({ indentation, mode, doc: current[i] as Doc });
      }
    } else if (current.type === 'indent') {
      stack.push({ indentation: indentation + 2, mode, doc: current.contents });
    } else if (current.type === 'group') {
      const flat: Command = { indentation, mode: 'flat', doc: current.contents };
      const groupMode: Mode =
        mode === 'flat' || (!hardBroken.has(current) && fits(flat, stack, width - column, hardBroken)) ? 'flat' : 'break';
      stack.push({ indentation, mode: groupMode, doc: current.contents });
    } else if (current.type === 'ifBreak') {
      stack.push({ indentation, mode, doc: mode === 'break' ? current.whenBroken : current.whenFlat });
    } else if (mode === 'flat' && current.kind !== 'hardline') {
      if (current.kind === 'line') {
        output += ' ';
        column += 1;
      }
    } else {
      ended.push(output.replace(/[ \t]+$/, ''));
      output = '\n' + ' '.repeat(indentation);
      column = indentation;
    }
  }
  ended.push(output);
  return ended.join('');
}

/** Whether `next` printed flat, followed by the rest of its line, stays within `remaining`. */
function fits(next: Command, rest: readonly Command[], remaining: number, hardBroken: WeakSet<object>): boolean {
  const pending: { mode: Mode; doc: Doc }[] = [{ mode: next.mode, doc: next.doc }];
  let restIndex = rest.length - 1;
  let width = remaining;

  while (width >= 0) {
    let item = pending.pop();
    if (!item) {
      const following = rest[restIndex--];
      if (!following) return true;
      item = { mode: following.mode, doc: following.doc };
    }
    const { mode, doc } = item;
    if (typeof doc === 'string') {
      width -= doc.length;
    } else if (isDocArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) pending.push({ mode, doc: doc[i] as Doc });
    } else if (doc.type === 'indent') {
      pending.push({ mode, doc: doc.contents });
    } else if (doc.type === 'group') {
      pending.push({ mode: hardBroken.has(doc) ? 'break' : mode, doc: doc.contents });
    } else if (doc.type === 'ifBreak') {
      pending.push({ mode, doc: mode === 'break' ? doc.whenBroken : doc.whenFlat });
    } else {
      if (mode === 'break' || doc.kind === 'hardline') return true;
      if (doc.kind === 'line') width -= 1;
    }
  }
  return false;
}

/** Marks every group that contains a hard line; returns whether `doc` contains one. */
function markHardBreaks(doc: Doc, marked: WeakSet<object>): boolean {
  if (typeof doc === 'string') return false;
  if (isDocArray(doc)) {
    let found = false;
    for (const part of doc) found = markHardBreaks(part, marked) || found;
    return found;
  }
  switch (doc.type) {
    case 'group': {
      const found = markHardBreaks(doc.contents, marked);
      if (found) marked.add(doc);
      return found;
    }
    case 'indent':
      return markHardBreaks(doc.contents, marked);
    case 'ifBreak':
      return markHardBreaks(doc.whenBroken, marked) || markHardBreaks(doc.whenFlat, marked);
    case 'line':
      return doc.kind === 'hardline';
  }
}

function isDocArray(doc: Doc): doc is readonly Doc[] {
  return Array.isArray(doc);
}
