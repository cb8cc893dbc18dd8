// Renders bench/RESULTS.md from the figures the runner collected.

function verdict(pass) {
  if (pass === undefined) return '–';
  return pass ? '**PASS**' : '**MISS**';
}

export function renderResults({
  started,
  finished,
  machine,
  quick,
  figures,
  details,
  notRun,
  faultMatrix,
  quietWaits = [],
}) {
  const seconds = ((finished - started) / 1000).toFixed(0);
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.mjs) on ${started.toISOString()}, in ${seconds} s.` +
      (quick ? ' **Quick mode: short rounds, not for quoting.**' : ''),
    '',
    'Every comparison ran side by side in the same run, in alternating rounds, and is given as a ratio:',
    'an absolute figure means little on a shared machine. The simulator ran in its own process as',
    'the upstream GOV.UK Pay (rate limit off); each benchmarked server ran in its own process; autocannon',
    'drove them from the runner process.',
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpu}`,
    `- Memory: ${machine.memory}`,
    `- OS: ${machine.os}`,
    `- Node: ${machine.node}`,
    `- Load average at the start (1, 5, 15 min): ${machine.load}`,
    ...(quietWaits.length === 0
      ? []
      : [
          `- Before each section the run waited for the machine's CPU to stay under 15% busy for 3 s (at most 90 s): ${quietWaits
            .map(
              (w) =>
                `${w.section} ${(w.waitedMs / 1000).toFixed(0)} s${w.settled ? '' : ' (still busy)'}`,
            )
            .join('; ')}`,
        ]),
    '',
    '## Figures and targets',
    '',
    '| figure | measured | target | result |',
    '|---|---|---|---|',
    ...figures.map((f) => `| ${f.name} | ${f.value} | ${f.target ?? '–'} | ${verdict(f.pass)} |`),
    ...notRun.map(
      (n) => `| ${n.section} | not run: ${n.reason.replace(/\|/g, '\\|')} | – | **NOT RUN** |`,
    ),
    '',
    '## Details',
    '',
    ...details,
  ];
  if (faultMatrix) {
    lines.push(
      '## Reliability fault matrix',
      '',
      `From test/reliability/fault-matrix.test.ts, run by the bench (jest: ${faultMatrix.jest || (faultMatrix.ok ? 'passed' : 'failed')}).`,
      '',
      faultMatrix.markdown.replace(/^# .*\n+/, '').trim(),
      '',
    );
  }
  return lines.join('\n');
}
