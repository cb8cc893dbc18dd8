import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The guide sends readers to other sections by name (`see "Running several instances"`). Each
 * such name must be a heading of README.md, so a renamed or missing section is caught here.
 */
const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');

function headings(markdown: string): Set<string> {
  const found = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (heading) found.add((heading[1] as string).replace(/`/g, ''));
  }
  return found;
}

function references(markdown: string): { name: string; line: number }[] {
  const refs: { name: string; line: number }[] = [];
  markdown.split('\n').forEach((text, index) => {
    for (const match of text.matchAll(/\b(?:[Ss]ee|in|from)\s+"([A-Z][^"]{2,80})"/g)) {
      refs.push({ name: match[1] as string, line: index + 1 });
    }
  });
  return refs;
}

describe('README.md cross-references', () => {
  const known = headings(README);
  const refs = references(README);

  it('refers to other sections', () => {
    expect(refs.map((ref) => ref.name)).toContain('Running several instances');
  });

  it.each(refs.map((ref) => [`"${ref.name}" (README.md:${ref.line})`, ref] as const))(
    '%s is a section of the guide',
    (_title, ref) => {
      expect({ name: ref.name, isHeading: known.has(ref.name) }).toEqual({
        name: ref.name,
        isHeading: true,
      });
    },
  );
});
