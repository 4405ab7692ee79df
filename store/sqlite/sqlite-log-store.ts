import type { Db } from './database.js';
import type { LogStore, SpanKey, SpanLogRecord } from '../api.js';
import type { AttributeValue, Attributes, OtlpEvent, OtlpStatusCode } from '../../model/otlp.js';
import type { GenAiContentEvent } from '../../model/normalize/genai-events.js';
import { fnv1a64 } from '../../model/hash.js';
import { toSpanRows } from '../span-writer.js';
import { createRunDetailsWriter } from '../run-details-writer.js';

interface StoredSpanRow {
  id: number;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  otel_kind: number;
  start_ns: bigint;
  end_ns: bigint;
  status: string;
  status_message: string;
  attributes: string;
  events: string;
  resource: string;
  scope_name: string;
}

interface ContentRow {
  time_ns: bigint;
  event_name: string;
  body: string;
  attributes: string;
}

/**
 * LogStore over SQLite (table log_records, migration 0017). Writes run on the caller's
 * connection in one transaction each; a content join re-reads the span and every content event
 * of it inside its transaction, so events arriving in several batches, before or after their
 * span, always end in the same stored span.
 */
export function createSqliteLogStore(db: Db): LogStore {
  const insertResource = db.prepare('INSERT OR IGNORE INTO resources (hash, attributes) VALUES (?, ?)');
  const insertRecord = db.prepare(`
    INSERT INTO log_records (record_hash, trace_id, span_id, time_ns, severity_number, severity_text, event_name,
      body, attributes, resource_hash, scope_name, genai, received_at_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (record_hash) DO NOTHING`);
  const selectSpan = db.prepare(`
    SELECT s.id, s.trace_id, s.span_id, s.parent_span_id, s.name, s.otel_kind, s.start_ns, s.end_ns, s.status,
      s.status_message, s.attributes, s.events, r.attributes AS resource, s.scope_name
    FROM spans s JOIN resources r ON r.hash = s.resource_hash
    WHERE s.trace_id = ? AND s.span_id = ?`);
  selectSpan.safeIntegers(true);
  const selectContent = db.prepare(`
    SELECT time_ns, event_name, body, attributes FROM log_records
    WHERE trace_id = ? AND span_id = ? AND genai = 1 ORDER BY time_ns, id`);
  selectContent.safeIntegers(true);
  const updateSpan = db.prepare(`
    UPDATE spans SET kind = ?, operation = ?, agent = ?, session_id = ?, llm = ?, tool = ?, attributes = ?
    WHERE id = ?`);
  const markJoined = db.prepare('UPDATE log_records SET joined = 1 WHERE trace_id = ? AND span_id = ? AND genai = 1 AND joined = 0');
  const forgetSearch = db.prepare('DELETE FROM span_search WHERE rowid = ?');
  const recountRun = db.prepare(`
    UPDATE runs SET
      llm_call_count = (SELECT COUNT(*) FROM spans WHERE trace_id = @traceId AND kind = 'llm'),
      tool_call_count = (SELECT COUNT(*) FROM spans WHERE trace_id = @traceId AND kind = 'tool'),
      agent = COALESCE(runs.agent, @agent),
      session_id = COALESCE(runs.session_id, @sessionId),
      last_received_ms = MAX(last_received_ms, @receivedAtMs),
      analyzed = 0
    WHERE trace_id = @traceId`);
  const selectUnjoined = db.prepare('SELECT DISTINCT trace_id AS traceId, span_id AS spanId FROM log_records WHERE genai = 1 AND joined = 0 AND trace_id = ?');
  const selectAllUnjoined = db.prepare('SELECT DISTINCT trace_id AS traceId, span_id AS spanId FROM log_records WHERE genai = 1 AND joined = 0');
  // `trace_id <> ''` lets SQLite use the partial index log_records_span.
  const selectSpanRecords = db.prepare(`
    SELECT time_ns, severity_number, severity_text, event_name, body, attributes FROM log_records
    WHERE trace_id = ? AND trace_id <> '' AND span_id = ? AND genai = 0 ORDER BY time_ns, id LIMIT ?`);
  selectSpanRecords.safeIntegers(true);
  const countSpanRecords = db.prepare(`SELECT COUNT(*) AS n FROM log_records WHERE trace_id = ? AND trace_id <> '' AND span_id = ? AND genai = 0`);
  const details = createRunDetailsWriter(db);

  const write = db.transaction((records: Parameters<LogStore['writeLogRecords']>[0], receivedAtMs: number) => {
    const resourceHashes = new Map<object, string>();
    let inserted = 0;
    for (const record of records) {
      let resourceHash = resourceHashes.get(record.resource);
      if (resourceHash === undefined) {
        const json = JSON.stringify(record.resource);
        resourceHash = fnv1a64(json);
        insertResource.run(resourceHash, json);
        resourceHashes.set(record.resource, resourceHash);
      }
      const body = JSON.stringify(record.body);
      const attributes = JSON.stringify(record.attributes);
      const hash = fnv1a64(
        [record.traceId, record.spanId, record.timeNs.toString(), record.severityNumber, record.severityText, record.eventName, body, attributes, resourceHash, record.scopeName].join('\u0000'),
      );
      const info = insertRecord.run(
        hash,
        record.traceId,
        record.spanId,
        record.timeNs,
        record.severityNumber,
        record.severityText,
        record.eventName,
        body,
        attributes,
        resourceHash,
        record.scopeName,
        record.genAiContent ? 1 : 0,
        receivedAtMs,
      );
      inserted += info.changes;
    }
    return { inserted, duplicates: records.length - inserted };
  });

  const joinOne = db.transaction(
    (key: SpanKey, renormalize: Parameters<LogStore['joinContentEvents']>[1], receivedAtMs: number): boolean => {
      const row = selectSpan.get(key.traceId, key.spanId) as StoredSpanRow | undefined;
      if (row === undefined) return false;
      const events: GenAiContentEvent[] = (selectContent.all(key.traceId, key.spanId) as ContentRow[]).map((content) => ({
        name: content.event_name,
        timeUnixNano: BigInt(content.time_ns),
        body: JSON.parse(content.body) as AttributeValue,
        attributes: JSON.parse(content.attributes) as Attributes,
      }));
      const span = renormalize(
        {
          span: {
            traceId: row.trace_id,
            spanId: row.span_id,
            parentSpanId: row.parent_span_id,
            traceState: '',
            name: row.name,
            kind: Number(row.otel_kind),
            startTimeUnixNano: BigInt(row.start_ns),
            endTimeUnixNano: BigInt(row.end_ns),
            attributes: JSON.parse(row.attributes) as Attributes,
            droppedAttributesCount: 0,
            events: parseEvents(row.events),
            links: [],
            statusCode: (row.status === 'error' ? 2 : row.status === 'ok' ? 1 : 0) as OtlpStatusCode,
            statusMessage: row.status_message,
          },
          resource: JSON.parse(row.resource) as Attributes,
          scope: { name: row.scope_name, version: '' },
        },
        events,
      );
      const [r] = toSpanRows([span], receivedAtMs).rows;
      const id = Number(row.id);
      updateSpan.run(r![4], r![14], r![12], r![13], r![15], r![16], r![17], id);
      // The span's words and the run's input/answer texts, again; its model usage was counted once already.
      forgetSearch.run(id);
      details.reset();
      const withoutModel = [...r!] as typeof r & unknown[];
      withoutModel[24] = null;
      details.add(withoutModel as NonNullable<typeof r>, id);
      details.flush();
      markJoined.run(key.traceId, key.spanId);
      recountRun.run({ traceId: key.traceId, agent: span.agent, sessionId: span.sessionId, receivedAtMs });
      return true;
    },
  );

  return {
    async writeLogRecords(records, receivedAtMs) {
      if (records.length === 0) return { inserted: 0, duplicates: 0 };
      return write(records, receivedAtMs);
    },
    async listUnjoinedContent(traceIds) {
      if (traceIds === undefined) return selectAllUnjoined.all() as SpanKey[];
      return traceIds.flatMap((traceId) => selectUnjoined.all(traceId) as SpanKey[]);
    },
    async joinContentEvents(keys, renormalize, receivedAtMs) {
      let updated = 0;
      for (const key of keys) if (joinOne(key, renormalize, receivedAtMs)) updated++;
      return updated;
    },
    async listSpanLogs(traceId, spanId, limit) {
      const { n } = countSpanRecords.get(traceId, spanId) as { n: number };
      if (n === 0) return { records: [], total: 0 };
      const rows = selectSpanRecords.all(traceId, spanId, Math.max(0, Math.floor(limit))) as {
        time_ns: bigint;
        severity_number: bigint;
        severity_text: string;
        event_name: string;
        body: string;
        attributes: string;
      }[];
      const records = rows.map(
        (row): SpanLogRecord => ({
          timeNs: row.time_ns.toString(),
          severityNumber: Number(row.severity_number),
          severityText: row.severity_text,
          eventName: row.event_name,
          body: JSON.parse(row.body) as AttributeValue,
          attributes: JSON.parse(row.attributes) as Attributes,
        }),
      );
      return { records, total: n };
    },
  };
}

function parseEvents(json: string): OtlpEvent[] {
  const parsed = JSON.parse(json) as { name: string; timeUnixNano: string; attributes: Attributes }[];
  return parsed.map((event) => ({ name: event.name, timeUnixNano: BigInt(event.timeUnixNano), attributes: event.attributes }));
}
