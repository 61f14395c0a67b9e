#!/usr/bin/env node
import { Command, Option } from "commander";
import { TokenwatchError } from "../errors.js";
import { configCheckCommand } from "./config-command.js";
import { EXIT } from "./exit-codes.js";
import { replayCommand } from "./replay-command.js";
import { rulesTestCommand, rulesValidateCommand } from "./rules-command.js";
import { runCommand } from "./run-command.js";

const program = new Command();

program
  .name("tokenwatch")
  .description("Catch stolen and shared bearer tokens in API gateway access logs")
  .option("--debug", "print stack traces with errors")
  .showHelpAfterError();

const configOption = () =>
  new Option("-c, --config <file>", "YAML configuration file").env("TOKENWATCH_CONFIG");

program
  .command("run")
  .description("consume gateway logs from Kafka, keep state in Redis, publish decisions")
  .addOption(configOption())
  .addHelpText(
    "after",
    "\nExample:\n  TOKENWATCH_FINGERPRINT_KEY=$(openssl rand -hex 32) tokenwatch run -c tokenwatch.yaml",
  )
  .action(async (options: { config?: string }) => {
    process.exitCode = await runCommand(options);
  });

program
  .command("replay")
  .description("run the pipeline over a log file or stdin with the embedded state store")
  .argument("<file>", "NDJSON file (one event or JSON array per line), or - for stdin")
  .addOption(configOption())
  .option("--json", "print one JSON object per decision on stdout")
  .option("-f, --format <name>", "force the gateway format instead of detecting it")
  .option("-r, --rules <dir>", "rules directory (default: rules.dir from the configuration)")
  .addHelpText("after", "\nExample:\n  tokenwatch replay examples/gateway-logs.ndjson --json")
  .action(async (file: string, options: ReplayOptions) => {
    process.exitCode = await replayCommand(file, options);
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

interface ReplayOptions {
  config?: string;
  json?: boolean;
  format?: string;
  rules?: string;
}

program.parseAsync(process.argv).catch((err: unknown) => {
  const debug = program.opts<{ debug?: boolean }>().debug === true;
  if (err instanceof TokenwatchError) {
    process.stderr.write(`tokenwatch: ${err.message}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode =
      err.code === "CONFIG_INVALID" || err.code === "RULE_INVALID"
        ? EXIT.INVALID_INPUT
        : EXIT.FAILURE;
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`tokenwatch: ${message} (run with --debug for details)\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = EXIT.FAILURE;
});
