import { extractCodeBlocks } from './extract';

describe('extractCodeBlocks', () => {
  const markdown = [
    '# Title',
    '',
    '## Quick start',
    '',
    '<!-- readme-test: run -->',
    '<!-- prettier-ignore -->',
    '```ts',
    'const a = 1;',
    '```',
    '',
    '## Other',
    '',
    '<!-- readme-test: fragment: an outline -->',
    '',
    '```js',
    'payJourney({ … });',
    '```',
    '',
    'Some prose.',
    '',
    '```sh',
    'npm test',
    '```',
    '',
    '- a list item:',
    '',
    '  ```ts',
    '  for (const check of checks) it(check.name, () => check.run());',
    '  ```',
    '',
    '```md',
    '## not a heading',
    '```',
    '',
    '````ts',
    'const fence = "```";',
    '````',
  ].join('\n');
  const blocks = extractCodeBlocks(markdown);

  it('finds every fenced block with its language, line and section', () => {
    expect(blocks.map((block) => [block.lang, block.line, block.section])).toEqual([
      ['ts', 7, 'Quick start'],
      ['js', 15, 'Other'],
      ['sh', 21, 'Other'],
      ['ts', 27, 'Other'],
      ['md', 31, 'Other'],
      ['ts', 35, 'Other'],
    ]);
  });

  it('reads the marker before the fence, across other comments and blank lines', () => {
    expect(blocks[0]?.mode).toBe('run');
    expect(blocks[1]).toMatchObject({ mode: 'fragment', reason: 'an outline' });
    expect(blocks[2]?.mode).toBeUndefined();
  });

  it('takes a marker only from the lines just before its own fence', () => {
    // The sh block follows prose, so the fragment marker two blocks up is not its own.
    expect(blocks[2]?.mode).toBeUndefined();
    expect(blocks[3]?.mode).toBeUndefined();
  });

  it("strips a list item's indent and keeps code as written", () => {
    expect(blocks[0]?.code).toBe('const a = 1;\n');
    expect(blocks[3]?.code).toBe(
      'for (const check of checks) it(check.name, () => check.run());\n',
    );
    expect(blocks[5]?.code).toBe('const fence = "```";\n');
  });

  it('does not take a "## " line inside a block for a heading', () => {
    expect(blocks[5]?.section).toBe('Other');
  });
});
