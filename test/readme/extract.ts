/**
 * The fenced code blocks of a Markdown file, with the section each sits in and the marker that
 * says how the README doc test treats it.
 *
 * A marker is an HTML comment on the lines just before the fence (blank lines and other comments,
 * such as `<!-- prettier-ignore -->`, may come between):
 *
 * - `<!-- readme-test: run -->`: a whole program. It is type-checked, then run against the
 *   simulator.
 * - `<!-- readme-test: check -->`: type-checked under `strict`. The default for `ts` blocks.
 * - `<!-- readme-test: fragment -->`: an outline with gaps (`…`, `/* … *\/,`); only read, never
 *   compiled. Give a reason after a colon: `<!-- readme-test: fragment: the options in outline -->`.
 *
 * `js` blocks without a marker are syntax-checked, `sh` blocks have their npm scripts and CLI
 * commands checked, and `sql` is left to test/stores/readme-sql.test.ts.
 */
export type BlockMode = 'run' | 'check' | 'fragment';

export interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word: `ts`, `js`, `sh`, `sql`, … ('' when none). */
  lang: string;
  /** The nearest heading above, without its #s. */
  section: string;
  /** Undefined when no marker was given. */
  mode: BlockMode | undefined;
  /** Why a fragment is one, when the marker says. */
  reason: string | undefined;
  code: string;
}

const MARKER = /^<!--\s*readme-test:\s*(run|check|fragment)\s*(?::\s*(.*?))?\s*-->$/;
const FENCE = /^(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^#{1,6}\s+(.*)$/;

export function extractCodeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const heading = HEADING.exec(line);
    if (heading) {
      section = (heading[1] as string).trim();
      continue;
    }
    const fence = FENCE.exec(line.trimStart());
    if (!fence) continue;
    const indent = line.length - line.trimStart().length;
    const close = fence[1] as string;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j += 1) {
      const candidate = (lines[j] as string).trimStart();
      if (candidate.startsWith(close) && candidate.slice(close.length).trim() === '') break;
      // A block indented in a list item: its lines carry the same indent.
      body.push((lines[j] as string).slice(Math.min(indent, leadingSpaces(lines[j] as string))));
    }
    const marker = markerBefore(lines, i);
    blocks.push({
      line: i + 1,
      lang: (fence[2] as string).toLowerCase(),
      section,
      mode: marker?.mode,
      reason: marker?.reason,
      code: `${body.join('\n')}\n`,
    });
    i = j;
  }
  return blocks;
}

function markerBefore(
  lines: readonly string[],
  fenceIndex: number,
): { mode: BlockMode; reason: string | undefined } | undefined {
  for (let k = fenceIndex - 1; k >= 0; k -= 1) {
    const text = (lines[k] as string).trim();
    if (text === '') continue;
    const marker = MARKER.exec(text);
    if (marker) return { mode: marker[1] as BlockMode, reason: marker[2] || undefined };
    if (text.startsWith('<!--') && text.endsWith('-->')) continue;
    return undefined;
  }
  return undefined;
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

/** A short name for a block in test titles: its section and line. */
export function describeBlock(block: CodeBlock): string {
  return `${block.lang} block at README.md:${block.line} ("${block.section}")`;
}
