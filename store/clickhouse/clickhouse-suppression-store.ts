import type { DetectorId } from '../../model/api.js';
import { NotSupportedError, suppressionId, type Suppression, type SuppressionScope, type SuppressionStore } from '../api.js';
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
  deleted: number;
  row_version: string;
}

const COLUMNS = 'id, detector, scope, value, note, from_flag_id, created_at_ms, deleted, row_version';

function toSuppression(row: Row): Suppression {
  return {
    id: row.id,
    detector: row.detector,
    scope: row.scope,
    value: row.value,
    note: row.note,
    fromFlagId: row.from_flag_id,
    createdAt: new Date(Number(row.created_at_ms)).toISOString(),
    // Not stored on ClickHouse yet (the suppressions table has no created_by column).
    createdBy: null,
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
    // The trace rules leave on the runs they silenced needs a silenced_flags table on the cluster (to do).
    async recordSilencedFlags() {
      throw new NotSupportedError('recording silenced flags is not supported on ClickHouse yet');
    },
    async listSilencedFlags() {
      throw new NotSupportedError('listing silenced flags is not supported on ClickHouse yet');
    },
    async countSilencedByRule() {
      throw new NotSupportedError('counting silenced flags is not supported on ClickHouse yet');
    },
  };
}
