#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { TokenwatchError } from "../errors.js";
import { configCheckCommand } from "./config-command.js";
import { type EvaluateOptions, evaluateCommand } from "./evaluate-command.js";
import { EXIT } from "./exit-codes.js";
import { type ExplainOptions, explainCommand } from "./explain-command.js";
import {
  falsePositiveCommand,
  type OverrideOptions,
  revocationUndoCommand,
} from "./override-command.js";
import { replayCommand } from "./replay-command.js";
import { rulesTestCommand, rulesValidateCommand } from "./rules-command.js";
import { runCommand } from "./run-command.js";
import { type SimulateOptions, simulateCommand } from "./simulate-command.js";

/** How long `run` may linger after closing everything before it exits regardless. */
const LINGER_MS = 3_000;

const program = new Command();

program
  .name("tokenwatch")
  .description("Catch stolen and shared bearer tokens in API gateway access logs")
  .option("--debug", "print stack traces with errors")
  // A usage error is one line plus where to look, not the whole help text.
  .showHelpAfterError("(add --help for the options and an example)")
  // Throw instead of exiting, so a usage error exits 2 like any other bad argument.
  .exitOverride();

const configOption = () =>
  new Option("-c, --config <file>", "YAML configuration file").env("TOKENWATCH_CONFIG");

program
  .command("run")
  .description("consume gateway logs from Kafka, keep state in Redis, publish decisions")
  .addOption(configOption())
  .addHelpText(
    "after",
    "\nExample:\n" +
      "  TOKENWATCH_FINGERPRINT_KEY=$(openssl rand -hex 32) tokenwatch run -c tokenwatch.yaml",
  )
  .action(async (options: { config?: string }) => {
    try {
      process.exitCode = await runCommand(options);
    } finally {
      // Everything the service opened is closed by now; should a library still hold a
      // socket or timer, the service must exit anyway so its supervisor can restart it.
      setTimeout(() => process.exit(), LINGER_MS).unref();
    }
  });

program
  .command("replay")
  .description("run the pipeline over a log file or stdin with the embedded state store")
  .argument("<file>", "NDJSON file (one event or JSON array per line), or - for stdin")
  .addOption(configOption())
  .option("--json", "print one JSON object per decision on stdout")
  .option("-f, --format <name>", "force the gateway format instead of detecting it")
  .option("-r, --rules <dir>", "rules directory (default: rules.dir from the configuration)")
  .option("--report <file>", "also write a backtest report: one self-contained HTML file")
  .option("-q, --quiet", "no progress bar and no summary on stderr (decisions still on stdout)")
  .addHelpText(
    "after",
    "\nExamples:\n  tokenwatch replay examples/gateway-logs.ndjson --json\n" +
      "  tokenwatch replay examples/gateway-logs.ndjson --report report.html",
  )
  .action(async (file: string, options: ReplayOptions) => {
    process.exitCode = await replayCommand(file, options);
  });

program
  .command("explain")
  .description("print a token's current windows, learned baseline and recent decisions")
  .argument("<fingerprint>", 'the token fingerprint (an alert\'s "token")')
  .addOption(configOption())
  .option("--replay <file>", "replay this NDJSON file and explain the token as of its end")
  .option("-f, --format <name>", "with --replay: force the gateway format")
  .option("-r, --rules <dir>", "with --replay: rules directory")
  .option("--json", "print the explanation as one JSON object")
  .addHelpText(
    "after",
    "\nExamples:\n  tokenwatch explain YpIT6XGUc5mcSAlOCRronw   # from Redis (redis.url)\n" +
      "  tokenwatch explain YpIT6XGUc5mcSAlOCRronw --replay examples/gateway-logs.ndjson",
  )
  .action(async (fingerprint: string, options: ExplainOptions) => {
    process.exitCode = await explainCommand(fingerprint, options);
  });

program
  .command("simulate")
  .description("write labelled multi-day gateway traffic (benign populations and attacks)")
  .requiredOption("-o, --out <file>", "traffic NDJSON to write")
  .requiredOption("-l, --labels <file>", "label NDJSON to write (one line per token)")
  .option("-t, --tokens <n>", "tokens in the run", "200")
  .option("-d, --days <n>", "days of traffic", "3")
  .option("-s, --seed <n>", "seed: the same seed writes the same bytes", "1")
  .option("--start <date>", "UTC date the run starts on", "2026-03-02")
  .option("-f, --format <name>", "gateway format: canonical, kong or apisix", "canonical")
  .addOption(configOption())
  .addHelpText(
    "after",
    "\nExample:\n" +
      "  tokenwatch simulate -o traffic.ndjson -l labels.ndjson --tokens 500 --days 4 --seed 7",
  )
  .action(async (options: SimulateOptions) => {
    process.exitCode = await simulateCommand(options);
  });

program
  .command("evaluate")
  .description("score detection quality on labelled traffic, beside a static-threshold baseline")
  .argument("<traffic>", "traffic NDJSON (e.g. from tokenwatch simulate)")
  .requiredOption("-l, --labels <file>", "label NDJSON naming tokens by fingerprint")
  .option("--report <file>", "write the JSON report here")
  .option("-r, --rules <dir>", "rules directory (default: rules.dir from the configuration)")
  .option("-f, --format <name>", "force the gateway format instead of detecting it")
  .option("--min-recall <ratio>", "target: sharing and theft detected (default 0.95)")
  .option("--min-revocation-recall <ratio>", "target: sharing and theft revoked (default 0.95)")
  .option("--max-false-revocations <n>", "target: per 10,000 benign token-days (default 1)")
  .option("--max-ttd <seconds>", "target: median seconds to detect (default 60)")
  .option("--no-targets", "report the targets but exit 0 when they are missed")
  .addOption(configOption())
  .addHelpText(
    "after",
    "\nExit code 3 when a target is missed.\n" +
      "Example:\n  tokenwatch evaluate traffic.ndjson -l labels.ndjson --report report.json",
  )
  .action(async (traffic: string, options: EvaluateOptions) => {
    process.exitCode = await evaluateCommand(traffic, options);
  });

const rules = program.command("rules").description("check rule files and their fixture cases");

rules
  .command("validate")
  .description("load and compile every rule file; report errors with file and line")
  .argument("[dir]", "rules directory", "rules")
  .addHelpText("after", "\nExample:\n  tokenwatch rules validate rules/")
  .action(async (dir: string) => {
    process.exitCode = await rulesValidateCommand(dir);
  });

rules
  .command("test")
  .description("run every rule's fixture cases and report the ones that fail")
  .argument("[dir]", "rules directory", "rules")
  .addHelpText("after", "\nExample:\n  tokenwatch rules test rules/")
  .action(async (dir: string) => {
    process.exitCode = await rulesTestCommand(dir);
  });

program
  .command("config")
  .description("configuration tools")
  .command("check")
  .description("validate a configuration and print the effective values (secrets masked)")
  .argument("[file]", "YAML configuration file")
  .addHelpText("after", "\nExample:\n  tokenwatch config check tokenwatch.yaml")
  .action(async (file: string | undefined) => {
    process.exitCode = await configCheckCommand(file ?? process.env.TOKENWATCH_CONFIG ?? null);
  });

const revocations = program
  .command("revocations")
  .description("manage revocations tokenwatch made");

revocations
  .command("undo")
  .description("withdraw a revocation: publish a counter-event, clear the denylist entry, audit it")
  .argument("<fingerprint>", 'the token fingerprint (the alert\'s "token")')
  .addOption(configOption())
  .option("--reason <text>", "why, for the audit record and the counter-event")
  .addHelpText(
    "after",
    "\nExample:\n" +
      '  tokenwatch revocations undo YpIT6XGUc5mcSAlOCRronw --reason "VPN pool, ticket 4711"',
  )
  .action(async (fingerprint: string, options: OverrideOptions) => {
    process.exitCode = await revocationUndoCommand(fingerprint, options);
  });

const decisions = program.command("decisions").description("review decisions tokenwatch made");

decisions
  .command("false-positive")
  .description("mark a decision as a false positive; counted per rule in the metrics")
  .argument("<decision-id>", "the decision's id (the alert's \"id\")")
  .addOption(configOption())
  .option("--reason <text>", "why, for the audit record")
  .addHelpText(
    "after",
    "\nExample:\n" +
      '  tokenwatch decisions false-positive 3q2-7wEjzZbL0vXc1Yk9aQ --reason "office NAT"',
  )
  .action(async (decisionId: string, options: OverrideOptions) => {
    process.exitCode = await falsePositiveCommand(decisionId, options);
  });

interface ReplayOptions {
  config?: string;
  json?: boolean;
  format?: string;
  rules?: string;
  report?: string;
  quiet?: boolean;
}

/** Examples for the command groups, whose own help lists only their subcommands. */
const GROUP_EXAMPLES: Readonly<Record<string, string>> = {
  rules: "tokenwatch rules validate rules/",
  config: "tokenwatch config check tokenwatch.yaml",
  revocations: 'tokenwatch revocations undo YpIT6XGUc5mcSAlOCRronw --reason "VPN pool"',
  decisions: 'tokenwatch decisions false-positive 3q2-7wEjzZbL0vXc1Yk9aQ --reason "office NAT"',
};
for (const command of program.commands) {
  const example = GROUP_EXAMPLES[command.name()];
  if (example) command.addHelpText("after", `\nExample:\n  ${example}`);
}
program.addHelpText(
  "after",
  "\nExamples:\n  tokenwatch replay examples/gateway-logs.ndjson --report report.html\n" +
    "  tokenwatch explain YpIT6XGUc5mcSAlOCRronw --replay examples/gateway-logs.ndjson\n" +
    "\nExit codes: 0 success; 1 failure at run time; 2 invalid configuration, rules or\n" +
    "arguments; 3 rule fixture cases failed.",
);

/** Errors the user fixes by changing the input: configuration, rules or arguments. */
const INVALID_INPUT_CODES = new Set([
  "CONFIG_INVALID",
  "RULE_INVALID",
  "ARGUMENT_INVALID",
  "DECISION_UNKNOWN",
  "TOKEN_UNKNOWN",
  "REVOCATION_UNKNOWN",
]);

program.parseAsync(process.argv).catch((err: unknown) => {
  const debug = program.opts<{ debug?: boolean }>().debug === true;
  if (err instanceof CommanderError) {
    // Commander has printed its message already; --help and --version end here with 0.
    process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.INVALID_INPUT;
    return;
  }
  if (err instanceof TokenwatchError) {
    process.stderr.write(`tokenwatch: ${err.message}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = INVALID_INPUT_CODES.has(err.code) ? EXIT.INVALID_INPUT : EXIT.FAILURE;
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`tokenwatch: ${message} (run with --debug for details)\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = EXIT.FAILURE;
});
