import { Command } from 'commander';
import { WEFT_VERSION } from './version.ts';

/**
 * `weft`: the one executable's entry (and `npm run cli --` in the source
 * tree). With no command it serves, exactly as `npm start` does; `weft engine`
 * is an engine process (the server starts its child engine this way from the
 * binary); the other commands administer a data directory or talk to a
 * server. This folder is the composition root: the only code that may import
 * the server's and the engine's entry points (docs/decisions.md).
 */

export const buildProgram = (): Command => {
  const program = new Command('weft')
    .description('Self-hosted, local-first workflow automation that people edit together.')
    .version(WEFT_VERSION, '-v, --version', 'print the version and exit')
    .enablePositionalOptions()
    .showHelpAfterError('(run weft --help for the commands)');

  program
    .command('serve', { isDefault: true })
    .description(
      'run the server and its engine child (the default: `weft` alone serves); weft serve --help lists its flags',
    )
    .helpOption(false)
    .passThroughOptions()
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]')
    .action(async (_args: unknown, _options: unknown, command: Command) => {
      const { serve } = await import('../../sync-server/src/serve.ts');
      await serve(command.args);
    });

  program
    .command('engine')
    .description('run an engine that joins a server (--server, WEFT_ENGINE_TOKEN); weft engine --help lists its flags')
    .helpOption(false)
    .passThroughOptions()
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]')
    .action(async (_args: unknown, _options: unknown, command: Command) => {
      const { runEngine } = await import('../../engine/src/run-engine.ts');
      await runEngine(command.args);
    });

  return program;
};

// Not a top-level await: the binary's bundle is CommonJS (Node 24's single
// executables run only a CommonJS main), where top-level await cannot be. A
// rejection still ends the process with the error and exit code 1.
void buildProgram().parseAsync(process.argv);
