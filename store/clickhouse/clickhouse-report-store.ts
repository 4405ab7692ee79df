import { InvalidCursorError, type DeliveryStatus, type ReportListItem, type ReportStore, type ReportSummary, type ReportTrigger, type StoredReport } from '../api.js';
import type { ClickHouseContext } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { sqlInt, sqlString } from './sql-literal.js';

interface Row {
  id: string;
  created_at_ms: string;
  since_ms: string;
  until_ms: string;
  trigger: ReportTrigger;
  summary: string;
  body_json: string;
  body_html: string;
  body_md: string;
  file_path: string | null;
  delivery_status: DeliveryStatus;
  delivery_attempts: number;
  delivery_error: string | null;
  delivered_at_ms: string | null;
  row_version: string;
}

const LIST_COLUMNS = 'id, created_at_ms, since_ms, until_ms, trigger, summary, file_path, delivery_status, delivery_attempts, delivery_error, delivered_at_ms, row_version';
const ALL_COLUMNS = `${LIST_COLUMNS}, body_json, body_html, body_md`;

function toItem(row: Omit<Row, 'body_json' | 'body_html' | 'body_md'>): ReportListItem {
  return {
    id: row.id,
    createdAt: new Date(Number(row.created_at_ms)).toISOString(),
    since: new Date(Number(row.since_ms)).toISOString(),
    until: new Date(Number(row.until_ms)).toISOString(),
    trigger: row.trigger,
    summary: JSON.parse(row.summary) as ReportSummary,
    filePath: row.file_path,
    delivery: {
      status: row.delivery_status,
      attempts: Number(row.delivery_attempts),
      error: row.delivery_error,
      at: row.delivered_at_ms === null ? null : new Date(Number(row.delivered_at_ms)).toISOString(),
    },
  };
}

/** ReportStore over ClickHouse: reports replicated on every server; updates are new row versions. */
export function createClickHouseReportStore(context: ClickHouseContext): ReportStore {
  const { connection, tables } = context;
  const readOne = async (id: string): Promise<Row | null> => {
    const rows = await connection.select<Row>(`SELECT ${ALL_COLUMNS} FROM ${tables.reports} FINAL WHERE id = ${sqlString(id)}`);
    return rows[0] ?? null;
  };
  const rewrite = async (row: Row) => {
    await connection.insert(tables.reports, [{ ...row, row_version: String(context.nextVersion()) }], context.writeSettings);
  };
  return {
    async insertReport(report) {
      if ((await readOne(report.id)) !== null) throw new Error(`report ${report.id} exists`);
      await connection.insert(
        tables.reports,
        [
          {
            id: report.id,
            created_at_ms: String(report.createdAtMs),
            since_ms: String(report.sinceMs),
            until_ms: String(report.untilMs),
            trigger: report.trigger,
            summary: JSON.stringify(report.summary),
            body_json: report.bodyJson,
            body_html: report.bodyHtml,
            body_md: report.bodyMd,
            file_path: report.filePath ?? null,
            delivery_status: report.deliveryStatus ?? 'none',
            delivery_attempts: 0,
            delivery_error: null,
            delivered_at_ms: null,
            row_version: String(context.nextVersion()),
          },
        ],
        context.writeSettings,
      );
    },
    async listReports(options = {}) {
      const limit = Math.min(Math.max(Math.floor(options.limit ?? 50), 1), 200);
      const where: string[] = [];
      if (options.cursor) {
        const [created = '', id = ''] = decodeCursor(options.cursor, 2);
        if (!/^\d+$/.test(created)) throw new InvalidCursorError();
        where.push(`(created_at_ms < ${created} OR (created_at_ms = ${created} AND id < ${sqlString(id)}))`);
      }
      const rows = await connection.select<Row>(
        `SELECT ${LIST_COLUMNS} FROM ${tables.reports} FINAL ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at_ms DESC, id DESC LIMIT ${sqlInt(limit + 1)}`,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { reports: page.map(toItem), nextCursor: rows.length > limit && last ? encodeCursor([String(last.created_at_ms), last.id]) : null };
    },
    async getReport(id): Promise<StoredReport | null> {
      const row = await readOne(id);
      return row === null ? null : { ...toItem(row), body: JSON.parse(row.body_json) as unknown };
    },
    async getReportRendering(id, format) {
      const row = await readOne(id);
      if (row === null) return null;
      return format === 'json' ? row.body_json : format === 'html' ? row.body_html : row.body_md;
    },
    async updateReportDelivery(id, delivery) {
      const row = await readOne(id);
      if (row === null) return;
      await rewrite({
        ...row,
        delivery_status: delivery.status,
        delivery_attempts: delivery.attempts,
        delivery_error: delivery.error,
        delivered_at_ms: delivery.atMs === null ? null : String(delivery.atMs),
      });
    },
    async setReportFilePath(id, filePath) {
      const row = await readOne(id);
      if (row === null) return;
      await rewrite({ ...row, file_path: filePath });
    },
  };
}
