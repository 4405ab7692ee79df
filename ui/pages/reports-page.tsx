import type { ReportListItem } from '../../store/api.js';
import { Layout } from '../components/layout.js';
import { formatTime } from '../format.js';
import { withQuery } from '../links.js';

/** How to link one rendering of a stored report (the reports feature serves them). */
export type ReportLink = (id: string, format: 'html' | 'md' | 'json') => string;

/** Stored anomaly reports, newest first, each linking to its renderings. */
export function ReportsPage(props: { reports: ReportListItem[]; nextCursor: string | null; cursor: string; link: ReportLink }) {
  return (
    <Layout title="Reports" section="reports">
      <div class="page-head">
        <h1>Reports</h1>
        <span class="muted small">Made nightly, by `tracehound report`, or by POST /api/reports.</span>
      </div>
      {props.reports.length === 0 ? (
        <p class="empty panel">No reports yet. The nightly report appears here once it has run.</p>
      ) : (
        <div class="panel flush">
          <table class="table" id="reports-table">
            <thead>
              <tr>
                <th>Made</th>
                <th>Window (UTC)</th>
                <th>Trigger</th>
                <th class="num">Runs</th>
                <th class="num">Failed</th>
                <th class="num">Flags</th>
                <th class="num">Critical</th>
                <th class="num">New patterns</th>
                <th class="num">Latency regressions</th>
                <th>Delivery</th>
                <th>Open</th>
              </tr>
            </thead>
            <tbody>
              {props.reports.map((report) => (
                <tr>
                  <td class="nowrap">{formatTime(report.createdAt)}</td>
                  <td class="nowrap small">{`${formatTime(report.since)} → ${formatTime(report.until)}`}</td>
                  <td>{report.trigger}</td>
                  <td class="num">{report.summary.runs}</td>
                  <td class="num">{`${report.summary.failedRuns} (${(report.summary.failureRate * 100).toFixed(1)}%)`}</td>
                  <td class="num">{report.summary.flags}</td>
                  <td class="num">{report.summary.criticalFlags > 0 ? <span class="err-count">{report.summary.criticalFlags}</span> : 0}</td>
                  <td class="num">{report.summary.newSignatures}</td>
                  <td class="num">{report.summary.latencyRegressions}</td>
                  <td>
                    <span class={`delivery delivery-${report.delivery.status}`} title={report.delivery.error ?? undefined}>
                      {report.delivery.status}
                    </span>
                  </td>
                  <td class="nowrap">
                    <a href={props.link(report.id, 'html')}>HTML</a> · <a href={props.link(report.id, 'md')}>Markdown</a> ·{' '}
                    <a href={props.link(report.id, 'json')}>JSON</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        {props.cursor !== '' ? <a href="/reports">« First page</a> : <span></span>}
        <span></span>
        {props.nextCursor !== null ? <a href={withQuery('/reports', { cursor: props.nextCursor })}>Next page »</a> : <span></span>}
      </nav>
    </Layout>
  );
}
