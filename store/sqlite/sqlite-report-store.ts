import { InvalidCursorError } from '../api.js';
import type { DeliveryStatus, NewReport, ReportFormat, ReportListItem, ReportPage, ReportStore, ReportSummary, ReportTrigger, StoredReport } from '../api.js';
import type { Db } from './database.js';
import { cursorInteger, decodeCursor, encodeCursor } from '../cursor.js';

/**
 * ReportStore over SQLite (table `reports`, migration 0003). The store keeps a report's three
 * renderings as made; it never re-renders.
 */
export function createSqliteReportStore(db: Db): ReportStore {
  return {
    insertReport: async (report) => insertReport(db, report),
    listReports: async (options) => listReports(db, options),
    getReport: async (id) => getReport(db, id),
    getReportRendering: async (id, format) => getReportRendering(db, id, format),
    updateReportDelivery: async (id, delivery) => updateReportDelivery(db, id, delivery),
    setReportFilePath: async (id, filePath) => setReportFilePath(db, id, filePath),
  };
}

interface ReportRow {
  id: string;
  created_at_ms: number;
  since_ms: number;
  until_ms: number;
  trigger: ReportTrigger;
  summary: string;
  file_path: string | null;
  delivery_status: DeliveryStatus;
  delivery_attempts: number;
  delivery_error: string | null;
  delivered_at_ms: number | null;
  body_json?: string;
}

const LIST_COLUMNS = `id, created_at_ms, since_ms, until_ms, trigger, summary, file_path,
  delivery_status, delivery_attempts, delivery_error, delivered_at_ms`;

const MAX_REPORT_PAGE_LIMIT = 200;

function insertReport(db: Db, report: NewReport): void {
  db.prepare(
    `INSERT INTO reports (id, created_at_ms, since_ms, until_ms, trigger, summary, body_json, body_html, body_md,
       file_path, delivery_status)
     VALUES (@id, @createdAtMs, @sinceMs, @untilMs, @trigger, @summary, @bodyJson, @bodyHtml, @bodyMd, @filePath, @deliveryStatus)`,
  ).run({
    ...report,
    summary: JSON.stringify(report.summary),
    filePath: report.filePath ?? null,
    deliveryStatus: report.deliveryStatus ?? 'none',
  });
}

/**
 * Reports, newest first, with keyset pagination (`limit` default 50, at most 200).
 * Throws `RangeError` for a cursor this store did not make.
 */
function listReports(db: Db, options: { limit?: number; cursor?: string } = {}): ReportPage {
  const limit = Math.min(Math.max(1, options.limit ?? 50), MAX_REPORT_PAGE_LIMIT);
  let rows: ReportRow[];
  if (options.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(options.cursor, 2) as [string, string];
    const createdAtMs = Number(cursorInteger(createdAt));
    rows = db
      .prepare(
        `SELECT ${LIST_COLUMNS} FROM reports WHERE (created_at_ms, id) < (?, ?)
         ORDER BY created_at_ms DESC, id DESC LIMIT ?`,
      )
      .all(createdAtMs, id, limit + 1) as ReportRow[];
  } else {
    rows = db
      .prepare(`SELECT ${LIST_COLUMNS} FROM reports ORDER BY created_at_ms DESC, id DESC LIMIT ?`)
      .all(limit + 1) as ReportRow[];
  }
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    reports: page.map(toListItem),
    nextCursor: more && last ? encodeCursor([String(last.created_at_ms), last.id]) : null,
  };
}

/** One report with its JSON body; null when unknown. */
function getReport(db: Db, id: string): StoredReport | null {
  const row = db.prepare(`SELECT ${LIST_COLUMNS}, body_json FROM reports WHERE id = ?`).get(id) as ReportRow | undefined;
  if (!row) return null;
  return { ...toListItem(row), body: JSON.parse(row.body_json ?? 'null') as unknown };
}

/** One rendering of a report exactly as stored (`json` is the JSON text); null when unknown. */
function getReportRendering(db: Db, id: string, format: ReportFormat): string | null {
  const column = format === 'html' ? 'body_html' : format === 'md' ? 'body_md' : 'body_json';
  const row = db.prepare(`SELECT ${column} AS body FROM reports WHERE id = ?`).get(id) as { body: string } | undefined;
  return row?.body ?? null;
}

/** Records the state of a report's webhook delivery (called after every attempt). */
function updateReportDelivery(
  db: Db,
  id: string,
  delivery: { status: DeliveryStatus; attempts: number; error: string | null; atMs: number | null },
): void {
  db.prepare(
    `UPDATE reports SET delivery_status = ?, delivery_attempts = ?, delivery_error = ?, delivered_at_ms = ? WHERE id = ?`,
  ).run(delivery.status, delivery.attempts, delivery.error, delivery.atMs, id);
}

function setReportFilePath(db: Db, id: string, filePath: string): void {
  db.prepare('UPDATE reports SET file_path = ? WHERE id = ?').run(filePath, id);
}

function toListItem(row: ReportRow): ReportListItem {
  return {
    id: row.id,
    createdAt: new Date(row.created_at_ms).toISOString(),
    since: new Date(row.since_ms).toISOString(),
    until: new Date(row.until_ms).toISOString(),
    trigger: row.trigger,
    summary: JSON.parse(row.summary) as ReportSummary,
    filePath: row.file_path,
    delivery: {
      status: row.delivery_status,
      attempts: row.delivery_attempts,
      error: row.delivery_error,
      at: row.delivered_at_ms === null ? null : new Date(row.delivered_at_ms).toISOString(),
    },
  };
}
