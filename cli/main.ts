import { ConfigError } from '../config/load-config.js';
import { UsageError } from './usage-error.js';
import { serveCommand, serveHelp } from './commands/serve.js';
import { reportCommand, reportHelp } from './commands/report.js';
import { analyzeCommand, analyzeHelp } from './commands/analyze.js';
import { backupCommand, backupHelp } from './commands/backup.js';
import { DatabaseDamagedError } from '../store/database.js';
import { demoCommand, demoHelp } from './commands/demo.js';

interface Command {
  run(argv: string[]): Promise<void>;
  help: string;
}

/** Every subcommand of `tracehound`. */
const COMMANDS: Record<string, Command> = {
  serve: { run: serveCommand, help: serveHelp },
  // [analyzer: command]
  analyze: { run: analyzeCommand, help: analyzeHelp },
  // [reports: command]
  report: { run: (argv) => reportCommand(argv), help: reportHelp },
  // [demo: command]
  demo: { run: demoCommand, help: demoHelp },
  // [security: command]
  backup: { run: backupCommand, help: backupHelp },
};

const USAGE = `tracehound: observability for AI agents

Usage: tracehound <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((command) => `  ${command.help.split('\n')[0]}`)
  .join('\n')}

Run "tracehound <command> --help" for a command's options.`;

/**
 * The entry point; the only code that exits the process. Exit codes: 0 done, 1 failed,
 * 2 bad command line or configuration.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`tracehound: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      console.error(`tracehound: ${error.message}`);
      return 2;
    }
    if (error instanceof DatabaseDamagedError) {
      console.error(`tracehound ${name}: ${error.message}`);
      return 1;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`tracehound ${name}: ${error.message}`);
      return 2;
    }
    console.error(`tracehound ${name}: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}

process.exit(await main(process.argv.slice(2)));
