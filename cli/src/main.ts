import { Command, CommanderError } from 'commander';
import { databaseCommands } from './commands/database.ts';
import { executionsCommand } from './commands/executions.ts';
import { gitCommands } from './git/commands.ts';
import { runCommand } from './commands/run.ts';
import { userCommand } from './commands/user.ts';
import { workflowCommand } from './commands/workflow.ts';
import { EXIT_CODES_HELP, ExitCode, reportError, usageError } from './output.ts';
import { WEFT_VERSION } from './version.ts';

/**
 * `weft`: the one executable's entry (and `npm run cli --` in the source
 * tree). With no command it serves, exactly as `npm start` does; `weft engine`
 * is an engine process (the server starts its child engine this way from the
 * binary); the other commands administer a data directory or talk to a
 * server. This folder is the composition root: the only code that may import
 * the server's and the engine's entry points (docs/decisions.md).
 */

/**
 * `serve` and `engine` parse their own flags (each has its own --help): commander
 * hands them every argument after the command name untouched.
 */
const passThrough = (command: Command, description: string, run: (args: string[]) => Promise<void>): void => {
  command
    .description(description)
    .helpOption(false)
    .passThroughOptions()
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]')
    .action(async (_args: unknown, _options: unknown, self: Command) => {
      await run(self.args);
    });
};

export const buildProgram = (): Command => {
  const program = new Command('weft')
    .description('Self-hosted, local-first workflow automation that people edit together.')
    .version(WEFT_VERSION, '-v, --version', 'print the version and exit')
    .enablePositionalOptions()
    .showHelpAfterError('(run weft --help for the commands)');

  passThrough(
    program.command('serve', { isDefault: true }),
    'run the server and its engine child (the default: `weft` alone serves); weft serve --help lists its flags',
    async (args) => {
      const { serve } = await import('../../sync-server/src/serve.ts');
      await serve(args);
    },
  );
  passThrough(
    program.command('engine'),
    'run an engine that joins a server (--server, WEFT_ENGINE_TOKEN); weft engine --help lists its flags',
    async (args) => {
      const { runEngine } = await import('../../engine/src/run-engine.ts');
      await runEngine(args);
    },
  );

  // Admin commands, on the data directory.
  program.addCommand(userCommand());
  for (const command of databaseCommands()) program.addCommand(command);
  // Remote commands, against a server with an API token.
  program.addCommand(workflowCommand());
  program.addCommand(runCommand());
  program.addCommand(executionsCommand());
  // Git folders: weft pull / weft push.
  for (const command of gitCommands()) program.addCommand(command);

  program.addHelpText('after', `\n${EXIT_CODES_HELP}`);
  return program;
};

/** `--json` anywhere before a lone `--`: a script is reading stdout, so a usage error goes there as JSON too. */
const wantsJson = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
};

/**
 * Commander ends the process itself on a bad command line (code 1) and
 * prints `error: …`; here it throws instead, everywhere in the tree, so main()
 * exits with 2 (usage) as the exit-code table says, and its message is one
 * `weft: …` line like every other failure (and JSON on stdout with --json).
 */
const failWithUsageCode = (command: Command, json: boolean): void => {
  command.exitOverride();
  command.configureOutput({
    outputError: (text, write) => {
      const message = text.trim().replace(/^error: /, '');
      write(`weft: ${message}\n`);
      if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'usage', message } })}\n`);
    },
  });
  if (json) command.showHelpAfterError(false);
  for (const sub of command.commands) failWithUsageCode(sub, json);
};

/** A first word that is no command is a typo, not an argument for the default `serve`. */
const unknownCommand = (program: Command, argv: readonly string[]): string | undefined => {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return undefined;
  const known = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  return known.includes(first) || first === 'help' ? undefined : first;
};

const main = async (): Promise<void> => {
  // The server starts its engine child as `weft engine`: straight there, without loading every
  // command's code into a process that lives as long as the server.
  if (process.argv[2] === 'engine') {
    const { runEngine } = await import('../../engine/src/run-engine.ts');
    await runEngine(process.argv.slice(3));
    return;
  }
  const args = process.argv.slice(2);
  const json = wantsJson(args);
  const program = buildProgram();
  failWithUsageCode(program, json);
  const typo = unknownCommand(program, args);
  if (typo !== undefined) {
    process.exit(reportError(usageError(`unknown command '${typo}' (weft --help lists the commands)`), json));
  }
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
    throw error;
  }
};

// Not a top-level await: the binary's bundle is CommonJS (Node 24's single
// executables run only a CommonJS main), where top-level await cannot be. A
// rejection still ends the process with the error and exit code 1.
void main();
