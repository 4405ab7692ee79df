/**
 * Runs one tracehound with the JSON configuration in argv[2] and prints `listening URL` once
 * it takes requests; SIGTERM closes it gracefully. Used by tests and benches that measure the
 * service's own memory (startServiceProcess).
 */
import { configSchema } from '../../../config/schema.js';
import { startService } from '../../../cli/service.js';

const service = await startService(configSchema.parse(JSON.parse(process.argv[2] ?? '{}')));
process.stdout.write(`listening ${service.url}\n`);
process.once('SIGTERM', () => {
  void service.close().then(() => process.exit(0));
});
