// @ts-check
/**
 * `chapters`: the maintainers' commands for keeping the chapters honest.
 *
 *   chapters check [N...]         the declared changes, then the chain (all chapters, or these)
 *   chapters declared             only the declared changes (seconds)
 *   chapters sync [--since REV] [--dry-run]   carry a change made in final/ into the chapters
 */
import { checkDeclaredChanges } from './declared.mjs';
import { runChain } from './chain.mjs';
import { main as sync } from './sync.mjs';

function declared() {
  const findings = checkDeclaredChanges();
  for (const finding of findings) console.log(`✖ ${finding.where}: ${finding.problem}`);
  console.log(findings.length === 0 ? '✔ every chapter declares exactly what it changes, and final/ what lies beyond the slot' : `${findings.length} undeclared or wrongly declared change(s)`);
  return findings.length === 0 ? 0 : 1;
}

/** @param {number[]} only */
async function chain(only) {
  const links = await runChain({
    ...(only.length ? { only } : {}),
    onLink: (link) => {
      const verb = link.expect === 'fail' ? 'fail on' : 'pass on';
      const mark = link.problems.length === 0 ? '✔' : '✖';
      console.log(`${mark} chapter ${link.chapter}'s checks ${verb} ${link.on} (${link.seconds.toFixed(1)} s)`);
      for (const problem of link.problems) console.log(`    ${problem}`);
      if (link.problems.length > 0) console.log(link.output.split('\n').map((line) => `    | ${line}`).join('\n'));
    },
  });
  const broken = links.filter((link) => link.problems.length > 0).length;
  const seconds = links.reduce((sum, link) => sum + link.seconds, 0);
  console.log(`chain: ${links.length - broken} of ${links.length} links hold (${seconds.toFixed(0)} s)`);
  return broken === 0 ? 0 : 1;
}

/** @param {string[]} argv */
export async function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'declared') return declared();
  if (command === 'sync') return sync(rest);
  if (command === 'check') {
    const only = rest.map(Number);
    if (only.some((number) => !Number.isInteger(number))) {
      console.error('usage: chapters check [N...]');
      return 2;
    }
    const declaredStatus = declared();
    return (await chain(only)) || declaredStatus;
  }
  console.error('usage: chapters check [N...] | chapters declared | chapters sync [--since REV] [--dry-run]');
  return 2;
}
