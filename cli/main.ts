import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/load-config.js';
import { UsageError } from './usage-error.js';
import { serveCommand, serveHelp } from './commands/serve.js';
import { reportCommand, reportHelp } from './commands/report.js';
import { analyzeCommand, analyzeHelp } from './commands/analyze.js';
import { backupCommand, backupHelp } from './commands/backup.js';
import { DatabaseDamagedError } from './open-storage.js';
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

Run "tracehound <command> --help" for a command's options; "tracehound --version" for the version.`;

/**
 * The entry point; the only code that exits the process. Exit codes: 0 done, 1 failed,
 * 2 bad command line or configuration.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(`tracehound ${readVersion()}`);
    return 0;
  }
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
    const busy = addressInUse(error);
    if (busy !== null) {
      console.error(`tracehound ${name}: ${busy} is already in use (another tracehound?); pick another port with --port N (or --grpc-port N, TRACEHOUND_PORT)`);
      return 1;
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

/** The package's version, from package.json beside cli/. */
function readVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/** "127.0.0.1:4318" when `error` is a listen failure on a port already taken; null otherwise. */
function addressInUse(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, address, port } = error as { code?: unknown; address?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE') return null;
  return typeof address === 'string' && typeof port === 'number' ? `${address.includes(':') ? `[${address}]` : address}:${port}` : 'the port';
}

process.exit(await main(process.argv.slice(2)));
