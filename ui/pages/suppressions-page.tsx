import type { FlagEntry, Suppression } from '../../store/api.js';
import { Layout } from '../components/layout.js';
import { SuppressionRuleText } from '../components/suppression-rule.js';
import { formatAgo, formatTime } from '../format.js';
import { runHref } from '../links.js';

/**
 * The suppression rules: what each matches, why, who made it from which flag, how many flags it
 * has silenced, and a delete button (a plain form post; the analyser flags the pattern again).
 */
export function SuppressionsPage(props: {
  rules: Suppression[];
  /** Silenced flags per rule id; null where the backend does not count them. */
  counts: Record<string, number> | null;
  /** The flags rules were made from, by flag id (absent when retention removed them). */
  sources: Map<string, FlagEntry>;
  notice: string | null;
  nowMs: number;
}) {
  return (
    <Layout title="Suppression rules" section="flags">
      <nav class="crumbs">
        <a href="/flags">Flags</a> <span>/</span> <span>Suppression rules</span>
      </nav>
      <div class="page-head">
        <h1>Suppression rules</h1>
        <span class="muted small">A rule keeps a detector from flagging one pattern, tool or agent. Make one from a flag's Suppress button.</span>
      </div>
      {props.notice !== null ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.rules.length === 0 ? (
        <p class="empty panel">No suppression rules. Every finding is flagged.</p>
      ) : (
        <div class="panel flush table-scroll">
          <table class="table" id="rules-table">
            <thead>
              <tr>
                <th>Matches</th>
                <th>Why</th>
                <th>Made</th>
                <th>From flag</th>
                <th class="num">Flags silenced</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {props.rules.map((rule) => {
                const source = rule.fromFlagId === null ? undefined : props.sources.get(rule.fromFlagId);
                return (
                  <tr id={`rule-${rule.id}`}>
                    <td class="rule-matches">
                      <SuppressionRuleText rule={rule} />
                    </td>
                    <td class="rule-note">{rule.note === '' ? <span class="muted">–</span> : rule.note}</td>
                    <td class="nowrap small">
                      <span title={`${formatTime(rule.createdAt)} UTC`}>{formatAgo(Date.parse(rule.createdAt), props.nowMs)}</span>
                      {rule.createdBy !== null ? <span class="muted">{` by ${rule.createdBy}`}</span> : null}
                    </td>
                    <td class="small">
                      {source !== undefined ? (
                        <a href={`${runHref(source.flag.traceId)}#flag-${encodeURIComponent(source.flag.id)}`}>{source.runName ?? source.flag.traceId.slice(0, 12)}</a>
                      ) : rule.fromFlagId !== null ? (
                        <span class="muted mono">{rule.fromFlagId}</span>
                      ) : (
                        <span class="muted">–</span>
                      )}
                    </td>
                    <td class="num silenced-count">{props.counts === null ? <span class="muted" title="not counted on this storage backend yet">n/a</span> : (props.counts[rule.id] ?? 0)}</td>
                    <td>
                      <form method="post" action={`/suppressions/${encodeURIComponent(rule.id)}/delete`} class="inline-form">
                        <button type="submit" class="btn btn-ghost btn-small" title="Delete this rule: these flags are raised again from the next analysis on">
                          Delete
                        </button>
                      </form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
