import type { DetectorId } from '../../model/api.js';
import { suppressionId, type SilencedFlag, type Suppression, type SuppressionScope, type SuppressionStore } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { DEDUP_READ } from './flag-rows.js';
import { sqlString } from './sql-literal.js';
import { wellFormed } from './well-formed.js';

interface Row {
  id: string;
  detector: DetectorId;
  scope: SuppressionScope;
  value: string;
  note: string;
  from_flag_id: string | null;
  created_at_ms: string;
  created_by: string | null;
  deleted: number;
  row_version: string;
}

const COLUMNS = 'id, detector, scope, value, note, from_flag_id, created_at_ms, created_by, deleted, row_version';

interface SilencedRow {
  trace_id: string;
  flag_id: string;
  rule_id: string;
  detector: SilencedFlag['detector'];
  severity: SilencedFlag['severity'];
  summary: string;
  at_ms: string;
  row_version: string;
}

const SILENCED_COLUMNS = 'trace_id, flag_id, rule_id, detector, severity, summary, at_ms, row_version';

function toSuppression(row: Row): Suppression {
  return {
    id: row.id,
    detector: row.detector,
    scope: row.scope,
    value: row.value,
    note: row.note,
    fromFlagId: row.from_flag_id,
    createdAt: new Date(Number(row.created_at_ms)).toISOString(),
    createdBy: row.created_by,
  };
}

/** SuppressionStore over ClickHouse: rules replicated on every server; deletion is a tombstone. */
export function createClickHouseSuppressionStore(context: ClickHouseContext): SuppressionStore {
  const { connection, tables } = context;
  const live = (where = '') =>
    connection.select<Row>(`SELECT ${COLUMNS} FROM (SELECT ${COLUMNS} FROM ${tables.suppressions} FINAL) WHERE deleted = 0${where}`, DEDUP_READ);
  return {
    async listSuppressions() {
      const rows = await live();
      return rows
        .sort((a, b) => Number(b.created_at_ms) - Number(a.created_at_ms) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(toSuppression);
    },
    async getSuppression(id) {
      const rows = await live(` AND id = ${sqlString(id)}`);
      return rows.length === 0 ? null : toSuppression(rows[0]!);
    },
    async addSuppression(rule, nowMs = Date.now()) {
      const id = suppressionId(rule);
      const existing = await live(` AND id = ${sqlString(id)}`);
      if (existing.length > 0) return toSuppression(existing[0]!);
      const row: Row = {
        id,
        detector: rule.detector,
        scope: rule.scope,
        value: wellFormed(rule.value),
        note: wellFormed(rule.note ?? ''),
        from_flag_id: rule.fromFlagId ?? null,
        created_at_ms: String(nowMs),
        created_by: rule.createdBy === undefined || rule.createdBy === null ? null : wellFormed(rule.createdBy),
        deleted: 0,
        row_version: String(context.nextVersion()),
      };
      await connection.insert(tables.suppressions, [row], context.writeSettings);
      return toSuppression(row);
    },
    async deleteSuppression(id) {
      const existing = await live(` AND id = ${sqlString(id)}`);
      if (existing.length === 0) return false;
      await connection.insert(tables.suppressions, [{ ...existing[0]!, deleted: 1, row_version: String(context.nextVersion()) }], context.writeSettings);
      return true;
    },
    async suppressionsVersion() {
      const rows = await connection.select<{ v: string; n: string }>(`SELECT toString(max(row_version)) AS v, toString(count()) AS n FROM ${tables.suppressions}`);
      return `${rows[0]?.v ?? '0'}:${rows[0]?.n ?? '0'}`;
    },
    async recordSilencedFlags(flags, nowMs) {
      if (flags.length === 0) return;
      // A flag silenced again keeps its first time: read the stored rows of these runs first.
      const traceIds = [...new Set(flags.map((flag) => flag.traceId))];
      const stored = await connection.select<{ trace_id: string; flag_id: string; at_ms: string }>(
        `SELECT trace_id, flag_id, at_ms FROM (SELECT ${SILENCED_COLUMNS} FROM ${tables.silenced_flags} FINAL) WHERE trace_id IN (${traceIds.map(sqlString).join(', ')})`,
        DEDUP_READ,
      );
      const firstAt = new Map(stored.map((row) => [`${row.trace_id}:${row.flag_id}`, row.at_ms]));
      const rows: SilencedRow[] = flags.map((flag) => ({
        trace_id: flag.traceId,
        flag_id: flag.flagId,
        rule_id: flag.ruleId,
        detector: flag.detector,
        severity: flag.severity,
        summary: wellFormed(flag.summary),
        at_ms: firstAt.get(`${flag.traceId}:${flag.flagId}`) ?? String(nowMs),
        row_version: String(context.nextVersion()),
      }));
      await connection.insert(tables.silenced_flags, rows, context.writeSettings);
    },
    async listSilencedFlags(traceId) {
      const rows = await connection.select<SilencedRow>(
        `SELECT ${SILENCED_COLUMNS} FROM (SELECT ${SILENCED_COLUMNS} FROM ${tables.silenced_flags} FINAL) WHERE trace_id = ${sqlString(traceId)}`,
        DEDUP_READ,
      );
      return rows
        .map((row) => ({ traceId: row.trace_id, flagId: row.flag_id, detector: row.detector, severity: row.severity, summary: row.summary, ruleId: row.rule_id, atMs: Number(row.at_ms) }))
        .sort((a, b) => b.atMs - a.atMs || (a.flagId < b.flagId ? -1 : a.flagId > b.flagId ? 1 : 0));
    },
    async countSilencedByRule() {
      const rows = await connection.select<{ rule_id: string; n: string }>(
        `SELECT rule_id, toString(count()) AS n FROM (SELECT ${SILENCED_COLUMNS} FROM ${tables.silenced_flags} FINAL) GROUP BY rule_id`,
        DEDUP_READ,
      );
      const counts: Record<string, number> = {};
      for (const row of rows) counts[row.rule_id] = Number(row.n);
      return counts;
    },
  };
}
