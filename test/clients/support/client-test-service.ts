import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type ConfigInput } from '../../../config/schema.js';
import { startService, type RunningService } from '../../../cli/service.js';
import type { ApiSpan, Flag, Run } from '../../../model/api.js';

export interface RunDetail {
  run: Run;
  spans: ApiSpan[];
  flags: Flag[];
}

export interface ClientTestService extends RunningService {
  /** POST /api/analyze: judges every pending trace now. */
  analyze(): Promise<{ analyzed: number; flagged: number }>;
  /** Every run stored so far (GET /api/runs, all pages). */
  runs(): Promise<Run[]>;
  /** GET /api/runs/:traceId. */
  run(traceId: string): Promise<RunDetail>;
  /** The one run whose root span has this name; fails when there is not exactly one. */
  runNamed(name: string): Promise<RunDetail>;
  stop(): Promise<void>;
}

/**
 * A real tracehound (collector, normaliser, analyser, API) on port 0 with a temp database, for
 * client libraries to export to. The background analyser waits far longer than any test, so
 * runs are judged only when a test asks (POST /api/analyze). `auth` sets ingest keys or API
 * tokens (open by default).
 */
export async function startClientTestService(auth: ConfigInput['auth'] = {}): Promise<ClientTestService> {
  const dir = mkdtempSync(join(tmpdir(), 'tracehound-clients-'));
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    storage: { path: join(dir, 'clients.db'), synchronous: 'normal' },
    logging: { level: 'silent' },
    analyzer: { idle: '1h' },
    reports: { enabled: false, dir: join(dir, 'reports') },
    auth,
  });
  const service = await startService(config);
  const getJson = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${service.url}${path}`, init);
    const body = await response.text();
    if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path} → ${response.status}: ${body}`);
    return JSON.parse(body) as T;
  };
  const api: Omit<ClientTestService, keyof RunningService> = {
    analyze: () => getJson('/api/analyze', { method: 'POST' }),
    async runs() {
      const all: Run[] = [];
      let cursor: string | null = null;
      do {
        const page: { runs: Run[]; nextCursor: string | null } = await getJson(`/api/runs?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        all.push(...page.runs);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return all;
    },
    run: (traceId) => getJson(`/api/runs/${traceId}`),
    async runNamed(name) {
      const matches = (await api.runs()).filter((run) => run.name === name);
      if (matches.length !== 1) throw new Error(`expected one run named "${name}", found ${matches.length}`);
      return api.run(matches[0]!.traceId);
    },
    async stop() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return Object.assign(service, api);
}

/** The detector ids among a run's flags, sorted, without repeats. */
export function detectorsOf(detail: RunDetail): string[] {
  return [...new Set(detail.flags.map((flag) => flag.detector))].sort();
}
