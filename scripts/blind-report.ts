// The blind set's numbers: agreement, the confusion table and every disagreement.
//   npx tsx scripts/blind-report.ts [--wrong] [--dir test/blind/holdout]
import { agrees, CASES_DIR, disagreement, HOLDOUT_DIR, playAll, summary } from '../test/blind/measure.ts';

const argv = process.argv.slice(2);
// Both sets by default; --dir for one folder.
const dirs = argv.includes('--dir') ? [argv[argv.indexOf('--dir') + 1]] : [CASES_DIR, HOLDOUT_DIR];
const started = Date.now();
const results = await playAll(dirs);
const s = summary(results);
console.log(s.text);
const problems = results.filter((r) => r.problems.length);
if (problems.length) console.log(`\n${problems.length} cases did not play as written:\n` + problems.map((r) => `${r.c.id}: ${r.problems.join('; ')}`).join('\n'));
if (argv.includes('--wrong')) {
  const wrong = results.filter((r) => !agrees(r));
  console.log(`\n${wrong.length} disagreements:\n` + wrong.map(disagreement).join('\n'));
}
const harmfulUngated = results.filter((r) => r.c.labels.some((l) => l !== 'whistleblowing' && l !== 'misconduct_report') && r.gate.length === 0);
console.log(`\nharmful cases the judge gate would not show the judge: ${harmfulUngated.length}${harmfulUngated.map((r) => `\n   ${r.c.id}`).join('')}`);
console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
