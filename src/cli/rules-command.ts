import { runRuleTests, validateRules } from "../detect/index.js";
import { EXIT } from "./exit-codes.js";

/** `tokenwatch rules validate [dir]`: compile every rule file, list rules or located problems. */
export async function rulesValidateCommand(dir: string): Promise<number> {
  const report = await validateRules(dir);

  for (const problem of report.problems) process.stderr.write(`${problem.message}\n`);
  if (!report.ok) {
    process.stderr.write(`${report.problems.length} problem(s) in ${dir}; nothing was loaded\n`);
    return EXIT.INVALID_INPUT;
  }

  for (const rule of report.rules) {
    const state = rule.enabled ? rule.mode : "disabled";
    process.stdout.write(
      `${rule.id} v${rule.version}  ${rule.action}/${state}  ${rule.file}:${rule.line}\n`,
    );
  }
  process.stdout.write(
    `${report.rules.length} rules in ${report.files.length} files are valid ` +
      `(${report.lists.length} lists, ${report.macros.length} macros)\n`,
  );
  return EXIT.OK;
}

/** `tokenwatch rules test [dir]`: run the fixture cases under `<dir>/fixtures`. */
export async function rulesTestCommand(dir: string): Promise<number> {
  const report = await runRuleTests(dir);

  for (const problem of report.problems) process.stderr.write(`${problem.message}\n`);
  for (const failure of report.failures) {
    process.stderr.write(`FAIL ${failure.caseName}: ${failure.message}\n`);
  }
  for (const ruleId of report.uncovered) {
    process.stderr.write(`rule ${ruleId} needs a case where it fires and one where it does not\n`);
  }
  process.stdout.write(`${report.passed}/${report.cases} rule cases passed in ${dir}\n`);

  if (report.problems.length > 0) return EXIT.INVALID_INPUT;
  return report.ok ? EXIT.OK : EXIT.TESTS_FAILED;
}
