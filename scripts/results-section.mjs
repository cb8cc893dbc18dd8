// One level-2 section of a Markdown file (bench/RESULTS.md): from its `## ` heading to the next
// `## ` heading or the end. Scripts that own one section replace it and leave the rest as it is.

/** The section headed `## {title}`, heading included, without trailing blank lines; or undefined. */
export function findSection(markdown, title) {
  const bounds = sectionBounds(markdown, title);
  if (bounds === undefined) return undefined;
  return markdown.slice(bounds.start, bounds.end).replace(/\s+$/, '');
}

/**
 * Markdown with the section headed `## {title}` replaced by `section` (which starts with that
 * heading), or with `section` appended at the end when there is none yet.
 */
export function replaceSection(markdown, title, section) {
  const body = `${section.replace(/\s+$/, '')}\n`;
  const bounds = sectionBounds(markdown, title);
  if (bounds === undefined) {
    const head = markdown.replace(/\s+$/, '');
    return head === '' ? body : `${head}\n\n${body}`;
  }
  const before = markdown.slice(0, bounds.start);
  const after = markdown.slice(bounds.end);
  return after === '' ? `${before}${body}` : `${before}${body}\n${after}`;
}

function sectionBounds(markdown, title) {
  const lines = markdown.split('\n');
  let offset = 0;
  let start;
  let inFence = false;
  for (const line of lines) {
    // A `## ` inside a fenced block is code, not a heading.
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && /^## /.test(line)) {
      if (start !== undefined) return { start, end: offset };
      if (line.slice(3).trim() === title) start = offset;
    }
    offset += line.length + 1;
  }
  return start === undefined ? undefined : { start, end: markdown.length };
}

/** The section of bench/RESULTS.md that `npm run test:under-load` writes and `npm run bench` keeps. */
export const SUITE_UNDER_LOAD_TITLE = 'Suite under load';
