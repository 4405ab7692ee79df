import { createHash } from 'node:crypto';
import type { Flag } from '../../model/api.js';
import type { NormalizedSpan } from '../../model/span.js';
import type { AnalysisStore, BaselineContribution, BaselineStore, CommittedAnalysis, TraceForAnalysis } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { DEDUP_READ, FLAG_COLUMNS, liveFlags, readReviews, toFlag, type FlagRow } from './flag-rows.js';
import { RUN_COLUMNS, readRunRows, refreshBadges, writeRunRows, type RunRow } from './run-rows.js';
import { sqlInt, sqlString, sqlStringList } from './sql-literal.js';

interface StoredContribution {
  s: string[];
  x: [string, number, number][];
}

function toContribution(json: string): BaselineContribution {
  if (!json) return { spanIds: [], samples: [] };
  const state = JSON.parse(json) as StoredContribution;
  return { spanIds: state.s, samples: state.x.map(([key, bucketMs, bin]) => ({ key, bucketMs, bin })) };
}

function fromContribution(contribution: BaselineContribution): string {
  return JSON.stringify({ s: contribution.spanIds, x: contribution.samples.map((s) => [s.key, s.bucketMs, s.bin]) } satisfies StoredContribution);
}

interface StoredSpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: NormalizedSpan['kind'];
  otel_kind: number;
  start_ns: string;
  end_ns: string;
  duration_ms: number;
  status: NormalizedSpan['status'];
  status_message: string;
  service: string;
  agent: string | null;
  session_id: string | null;
  operation: string;
  llm: string | null;
  tool: string | null;
  attributes: string;
  events: string;
  resource: string;
  scope_name: string;
}

export const SPAN_COLUMNS = `trace_id, span_id, parent_span_id, name, kind, otel_kind, start_ns, end_ns, duration_ms, status,
  status_message, service, agent, session_id, operation, llm, tool, attributes, events, resource, scope_name`;

export function toNormalizedSpan(row: StoredSpanRow): NormalizedSpan {
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    otelKind: Number(row.otel_kind),
    startTimeUnixNano: BigInt(row.start_ns),
    endTimeUnixNano: BigInt(row.end_ns),
    durationMs: Number(row.duration_ms),
    status: row.status,
    statusMessage: row.status_message,
    service: row.service,
    agent: row.agent,
    sessionId: row.session_id,
    operation: row.operation,
    llm: row.llm === null ? null : (JSON.parse(row.llm) as NormalizedSpan['llm']),
    tool: row.tool === null ? null : (JSON.parse(row.tool) as NormalizedSpan['tool']),
    attributes: JSON.parse(row.attributes) as NormalizedSpan['attributes'],
    events: (JSON.parse(row.events) as { name: string; timeUnixNano: string; attributes: NormalizedSpan['attributes'] }[]).map((event) => ({
      ...event,
      timeUnixNano: BigInt(event.timeUnixNano),
    })) as unknown as NormalizedSpan['events'],
    resource: JSON.parse(row.resource) as NormalizedSpan['resource'],
    scopeName: row.scope_name,
  };
}

/** Pending runs (latest version, not analysed), as a subquery over the Distributed runs table. */
function pendingRuns(context: ClickHouseContext): string {
  return `(SELECT ${RUN_COLUMNS} FROM ${context.tables.runs} FINAL) WHERE deleted = 0 AND analyzed = 0`;
}

/**
 * How long a run received by another process may stay pending before this one analyses it
 * (that process stopped or died): then any process takes it.
 */
const TAKEOVER_AFTER_MS = 10 * 60_000;

/**
 * AnalysisStore over ClickHouse. Each process analyses the runs it received (`received_by`),
 * and any process takes over runs left pending by another for TAKEOVER_AFTER_MS. A trace's
 * version is its run's span count, as on SQLite.
 */
export function createClickHouseAnalysisStore(context: ClickHouseContext): AnalysisStore {
  const { connection, tables } = context;
  const mine = () => `(received_by = ${sqlString(context.processId)} OR last_received_ms < ${sqlInt(Date.now() - TAKEOVER_AFTER_MS)})`;

  return {
    async listPending(query) {
      const where = [mine()];
      if (!query.force) {
        where.push(
          `((isNotNull(root_span_id) AND last_received_ms < ${sqlInt(Math.floor(query.idleBeforeMs))}) OR last_received_ms < ${sqlInt(Math.floor(query.orphanBeforeMs))})`,
        );
      }
      if (query.after) {
        const start = sqlInt(query.after.startNs);
        where.push(`(start_ns > ${start} OR (start_ns = ${start} AND trace_id > ${sqlString(query.after.traceId)}))`);
      }
      const rows = await connection.select<{ trace_id: string; start_ns: string }>(
        `SELECT trace_id, start_ns FROM ${pendingRuns(context)} AND ${where.join(' AND ')} ORDER BY start_ns, trace_id LIMIT ${sqlInt(Math.max(1, Math.floor(query.limit)))}`,
        DEDUP_READ,
      );
      return rows.map((row) => ({ traceId: row.trace_id, startNs: BigInt(row.start_ns) }));
    },
    async countPending() {
      const rows = await connection.select<{ n: string }>(`SELECT count() AS n FROM ${pendingRuns(context)} AND ${mine()}`, DEDUP_READ);
      return Number(rows[0]?.n ?? 0);
    },
    async oldestPendingReceivedMs(idleBeforeMs) {
      const rows = await connection.select<{ n: string; oldest: string }>(
        `SELECT count() AS n, min(last_received_ms) AS oldest FROM ${pendingRuns(context)} AND ${mine()} AND isNotNull(root_span_id) AND last_received_ms < ${sqlInt(Math.floor(idleBeforeMs))}`,
        DEDUP_READ,
      );
      return Number(rows[0]?.n ?? 0) === 0 ? null : Number(rows[0]!.oldest);
    },
    async loadTraces(traceIds) {
      if (traceIds.length === 0) return [];
      const [spanRows, runs] = await Promise.all([
        connection.select<StoredSpanRow & { received_at_ms: string; seq: number }>(
          `SELECT ${SPAN_COLUMNS}, received_at_ms, seq FROM ${tables.spans} FINAL WHERE trace_id IN ${sqlStringList(traceIds)} ORDER BY start_ns, received_at_ms, seq`,
        ),
        readRunRows(context, traceIds),
      ]);
      const byTrace = new Map<string, NormalizedSpan[]>();
      for (const row of spanRows) {
        let list = byTrace.get(row.trace_id);
        if (list === undefined) byTrace.set(row.trace_id, (list = []));
        list.push(toNormalizedSpan(row));
      }
      return traceIds.map((traceId): TraceForAnalysis => {
        const run = runs.get(traceId);
        return {
          traceId,
          spans: byTrace.get(traceId) ?? [],
          version: run === undefined ? '' : String(run.span_count),
          contribution: toContribution(run?.contribution ?? ''),
        };
      });
    },
    async commitAnalyses(work) {
      const traceIds = work.results.map((r) => r.traceId);
      const existing = traceIds.length === 0
        ? []
        : await connection.select<FlagRow>(`SELECT ${FLAG_COLUMNS} FROM ${liveFlags(context)} WHERE deleted = 0 AND trace_id IN ${sqlStringList(traceIds)}`, DEDUP_READ);
      const reviews = await readReviews(context, existing.map((f) => f.id));
      const flagWrites: FlagRow[] = [];
      const out: CommittedAnalysis[] = [];
      for (const result of work.results) {
        const before = new Map(existing.filter((f) => f.trace_id === result.traceId).map((f) => [f.id, f]));
        const produced = new Set<string>();
        const raised: Flag[] = [];
        let kept = 0;
        for (const flag of result.flags) {
          if (produced.has(flag.id)) continue;
          produced.add(flag.id);
          const old = before.get(flag.id);
          const row: FlagRow = {
            id: flag.id,
            trace_id: result.traceId,
            detector: flag.detector,
            severity: flag.severity,
            summary: flag.summary,
            span_ids: JSON.stringify(flag.spanIds),
            evidence: JSON.stringify(flag.evidence),
            signature: flag.signature,
            service: flag.service,
            agent: flag.agent,
            tool: flag.tool,
            run_start_ns: flag.runStartNs.toString(),
            created_at_ms: old === undefined ? work.nowMs : Number(old.created_at_ms),
            deleted: 0,
            row_version: context.nextVersion(),
          };
          flagWrites.push(row);
          if (old === undefined) raised.push(toFlag(row, undefined));
          else kept++;
        }
        let removed = 0;
        const keptReviewed: FlagRow[] = [];
        for (const old of before.values()) {
          if (produced.has(old.id)) continue;
          if (reviews.has(old.id)) {
            keptReviewed.push(old);
            continue;
          }
          flagWrites.push({ ...old, deleted: 1, row_version: context.nextVersion() });
          removed++;
        }
        out.push({ traceId: result.traceId, raised, kept, removed, current: true });
      }
      if (flagWrites.length > 0) await connection.insert(tables.flags, flagWrites, context.writeSettings);

      await context.withRunLock(async () => {
        const runs = await readRunRows(context, traceIds);
        const currentByTrace = new Map<string, boolean>();
        for (const [i, result] of work.results.entries()) {
          const run = runs.get(result.traceId);
          if (run === undefined) continue;
          const current = result.version === '' || String(run.span_count) === result.version;
          out[i]!.current = current;
          currentByTrace.set(result.traceId, current);
        }
        const contributions = new Map(work.results.map((r) => [r.traceId, r.contribution]));
        await refreshBadges(context, [...currentByTrace.keys()], (run) => {
          const contribution = contributions.get(run.trace_id);
          return {
            contribution: contribution === null || contribution === undefined ? run.contribution : fromContribution(contribution),
            analyzed: currentByTrace.get(run.trace_id) ? 1 : run.analyzed,
            analyzed_at_ms: String(work.nowMs),
          };
        });
      });

      const baselineRows = work.baselineDeltas.flatMap((delta) =>
        delta.counts.map(([bin, count]) => ({ key: delta.key, bucket_start_ms: delta.bucketStartMs, bin, count, commit_id: '' })),
      );
      if (baselineRows.length > 0) {
        // The same commit retried gives the same block (deduplicated); another commit a new one.
        const commitId = createHash('sha256')
          .update(JSON.stringify([work.nowMs, work.results.map((r) => [r.traceId, r.version]), work.baselineDeltas]))
          .digest('hex')
          .slice(0, 32);
        for (const row of baselineRows) row.commit_id = commitId;
        await connection.insert(tables.baselines, baselineRows, context.writeSettings);
      }
      if (work.expiredBaselines.length > 0) await expireBaselines(context, work.expiredBaselines);
      return out;
    },
    async markAllPending() {
      return context.withRunLock(async () => {
        const rows = await connection.select<RunRow>(`SELECT ${RUN_COLUMNS} FROM (SELECT ${RUN_COLUMNS} FROM ${tables.runs} FINAL) WHERE deleted = 0 AND analyzed = 1`, DEDUP_READ);
        await writeRunRows(context, rows.map((row) => ({ ...row, analyzed: 0, received_by: context.processId })));
        return rows.length;
      });
    },
  };
}

/**
 * Deletes buckets of `key` before `beforeMs` by adding the negation of their counts: the reads
 * (which sum and keep positive counts) see them gone at once, and SummingMergeTree drops the
 * zero rows when it merges. Two processes expiring the same buckets at once send the same block
 * (deduplicated by the replicated table); were both kept, the negative sums stay hidden.
 */
async function expireBaselines(context: ClickHouseContext, expired: readonly { key: string; beforeMs: number }[]): Promise<void> {
  const where = expired.map(({ key, beforeMs }) => `(key = ${sqlString(key)} AND bucket_start_ms < ${sqlInt(Math.floor(beforeMs))})`).join(' OR ');
  const rows = await context.connection.select<{ key: string; bucket_start_ms: string; bin: number; count: string }>(
    `SELECT key, bucket_start_ms, bin, sum(count) AS count FROM ${context.tables.baselines} WHERE ${where}
     GROUP BY key, bucket_start_ms, bin HAVING count > 0 ORDER BY key, bucket_start_ms, bin`,
  );
  if (rows.length === 0) return;
  const negation = rows.map((row) => ({ key: row.key, bucket_start_ms: Number(row.bucket_start_ms), bin: Number(row.bin), count: -Number(row.count), commit_id: '' }));
  const commitId = createHash('sha256').update(JSON.stringify(['expire', negation])).digest('hex').slice(0, 32);
  for (const row of negation) row.commit_id = commitId;
  await context.connection.insert(context.tables.baselines, negation, context.writeSettings);
}

/** BaselineStore over ClickHouse: the cluster's history, summed over every process's deltas. */
export function createClickHouseBaselineStore(context: ClickHouseContext): BaselineStore {
  return {
    async readBuckets(keys, sinceMs) {
      if (keys.length === 0) return [];
      const rows = await context.connection.select<{ key: string; bucket_start_ms: string; bin: number; count: string }>(
        `SELECT key, bucket_start_ms, bin, sum(count) AS count FROM ${context.tables.baselines}
         WHERE key IN ${sqlStringList(keys)} AND bucket_start_ms >= ${sqlInt(Math.floor(sinceMs))}
         GROUP BY key, bucket_start_ms, bin HAVING count > 0 ORDER BY key, bucket_start_ms, bin`,
      );
      const out: { key: string; bucketStartMs: number; n: number; counts: [number, number][] }[] = [];
      for (const row of rows) {
        const bucketStartMs = Number(row.bucket_start_ms);
        let last = out.at(-1);
        if (last === undefined || last.key !== row.key || last.bucketStartMs !== bucketStartMs) {
          out.push((last = { key: row.key, bucketStartMs, n: 0, counts: [] }));
        }
        last.counts.push([Number(row.bin), Number(row.count)]);
        last.n += Number(row.count);
      }
      return out;
    },
  };
}
