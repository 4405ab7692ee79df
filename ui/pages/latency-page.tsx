import type { LatencySample, OperationSummary } from '../../store/api.js';
import { Layout } from '../components/layout.js';
import { LatencyScatter, baselineBand, type ScatterPoint } from '../components/charts.js';
import { formatCount, formatDuration, formatTime, quantileSorted } from '../format.js';
import { runHref, withQuery } from '../links.js';

export const LATENCY_RANGES = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type LatencyRange = keyof typeof LATENCY_RANGES;

/**
 * Latency per operation: durations over time as a scatter, the baseline band (p50–p95 per
 * time slice) behind them, and the calls the latency-spike detector flagged marked in red.
 */
export function LatencyPage(props: {
  operations: OperationSummary[];
  operation: string | null;
  samples: LatencySample[];
  spikes: Map<string, string>;
  range: LatencyRange;
  sinceMs: number;
  untilMs: number;
}) {
  const { samples, operation } = props;
  const sorted = samples.map((sample) => sample.durationMs).sort((a, b) => a - b);
  const points: ScatterPoint[] = samples.map((sample) => {
    const spike = props.spikes.has(`${sample.traceId}:${sample.spanId}`);
    return {
      xMs: sample.startMs,
      durationMs: sample.durationMs,
      mark: spike ? 'spike' : sample.status === 'error' ? 'error' : undefined,
      // Only spikes and errors are links: thousands of anchors would double the page for little use.
      href: spike || sample.status === 'error' ? runHref(sample.traceId, sample.spanId) : undefined,
      title: `${formatDuration(sample.durationMs)} at ${formatTime(sample.startMs).slice(5)}${spike ? ' — latency spike' : ''}`,
    };
  });
  const spikeSamples = samples.filter((sample) => props.spikes.has(`${sample.traceId}:${sample.spanId}`)).reverse();
  return (
    <Layout title="Latency" section="latency">
      <div class="page-head">
        <h1>Latency {operation !== null ? <span class="mono h-sub">{operation}</span> : null}</h1>
        <nav class="segmented" aria-label="Time range">
          {(Object.keys(LATENCY_RANGES) as LatencyRange[]).map((key) => (
            <a href={withQuery('/latency', { op: operation ?? undefined, range: key })} class={key === props.range ? 'active' : undefined}>
              {key}
            </a>
          ))}
        </nav>
      </div>
      <section class="latency-layout">
        <div class="panel flush op-list">
          <table class="table compact">
            <thead>
              <tr>
                <th>Operation</th>
                <th class="num">Calls</th>
                <th class="num">Spikes</th>
              </tr>
            </thead>
            <tbody>
              {props.operations.length === 0 ? (
                <tr>
                  <td colspan={3} class="empty">
                    No spans in this window.
                  </td>
                </tr>
              ) : (
                props.operations.map((op) => (
                  <tr class={op.operation === operation ? 'selected' : undefined}>
                    <td>
                      <a class="mono" href={withQuery('/latency', { op: op.operation, range: props.range })}>
                        {op.operation}
                      </a>
                    </td>
                    <td class="num">{formatCount(op.calls)}</td>
                    <td class="num">{op.spikes > 0 ? <span class="err-count">{op.spikes}</span> : <span class="muted">0</span>}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        <div class="latency-main">
          {operation === null ? (
            <p class="empty panel">Pick an operation to see its durations over time.</p>
          ) : samples.length === 0 ? (
            <p class="empty panel">No calls of this operation in this window.</p>
          ) : (
            <>
              <section class="stats">
                <div class="stat">
                  <span class="stat-label">{samples.length >= 2000 ? 'Calls (newest)' : 'Calls'}</span>
                  <span class="stat-value">{formatCount(samples.length)}</span>
                </div>
                <div class="stat">
                  <span class="stat-label">p50</span>
                  <span class="stat-value">{formatDuration(quantileSorted(sorted, 0.5))}</span>
                </div>
                <div class="stat">
                  <span class="stat-label">p95</span>
                  <span class="stat-value">{formatDuration(quantileSorted(sorted, 0.95))}</span>
                </div>
                <div class="stat">
                  <span class="stat-label">max</span>
                  <span class="stat-value">{formatDuration(sorted[sorted.length - 1] ?? 0)}</span>
                </div>
                <div class={`stat${spikeSamples.length > 0 ? ' stat-bad' : ''}`}>
                  <span class="stat-label">Spikes flagged</span>
                  <span class="stat-value">{spikeSamples.length}</span>
                </div>
              </section>
              <div class="panel">
                <h2>Durations over time</h2>
                <LatencyScatter
                  label={`durations of ${operation}`}
                  points={points}
                  band={baselineBand(
                    samples.filter((sample) => !props.spikes.has(`${sample.traceId}:${sample.spanId}`)),
                    props.sinceMs,
                    props.untilMs,
                    Math.min(24, Math.max(1, Math.floor(samples.length / 6))),
                    2,
                  )}
                  sinceMs={props.sinceMs}
                  untilMs={props.untilMs}
                  height={300}
                />
              </div>
              {spikeSamples.length > 0 ? (
                <div class="panel flush">
                  <table class="table compact">
                    <thead>
                      <tr>
                        <th>Spike</th>
                        <th class="num">Duration</th>
                        <th class="num">× p50</th>
                        <th>Run</th>
                      </tr>
                    </thead>
                    <tbody>
                      {spikeSamples.slice(0, 50).map((sample) => (
                        <tr>
                          <td>{formatTime(sample.startMs)}</td>
                          <td class="num">{formatDuration(sample.durationMs)}</td>
                          <td class="num">{`${(sample.durationMs / Math.max(0.001, quantileSorted(sorted, 0.5))).toFixed(1)}×`}</td>
                          <td>
                            <a class="mono" href={runHref(sample.traceId, sample.spanId)}>
                              {sample.traceId.slice(0, 12)}
                            </a>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
            </>
          )}
        </div>
      </section>
    </Layout>
  );
}
