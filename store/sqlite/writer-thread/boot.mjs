// Worker-thread entry: tracehound runs from TypeScript sources, and module hooks registered in
// the parent thread do not reach a worker, so the worker registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./span-write-worker.ts');
