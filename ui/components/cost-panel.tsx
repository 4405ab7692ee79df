import type { CostSummary } from '../../store/api.js';
import { detectorLabel, formatCount, formatUsd } from '../format.js';
import { runsHref } from '../links.js';

/**
 * Money in the overview's window: the total, by model and by agent, and what the runs each
 * detector flagged cost (money burned by loops, silent failures and spikes).
 */
export function CostPanel(props: { costs: CostSummary; since: string }) {
  const { costs } = props;
  return (
    <section class="grid-3 cost-panel" id="cost-panel" aria-label="Cost">
      <div class="panel">
        <h2>Cost</h2>
        <div class="stat-value" id="cost-total">
          {formatUsd(costs.totalUsd)}
        </div>
        {costs.unpricedCalls > 0 ? <p class="muted small">{`${formatCount(costs.unpricedCalls)} model calls have no price (add them under pricing.models)`}</p> : null}
        <table class="table compact">
          <tbody>
            {costs.byModel.slice(0, 6).map((row) => (
              <tr>
                <td>
                  <a class="mono" href={runsHref({ model: row.model, since: props.since })}>
                    {row.model === '' ? '(unnamed model)' : row.model}
                  </a>
                </td>
                <td class="num muted small">{`${formatCount(row.calls)} calls`}</td>
                <td class="num">{formatUsd(row.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="panel">
        <h2>Cost by agent</h2>
        <table class="table compact" id="cost-by-agent">
          <tbody>
            {costs.byAgent.slice(0, 8).map((row) => (
              <tr>
                <td>{row.key}</td>
                <td class="num muted small">{`${formatCount(row.runs)} runs`}</td>
                <td class="num">{`${formatUsd(row.costUsd)}${row.partial ? '+' : ''}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="panel">
        <h2>Burned on flagged runs</h2>
        {costs.burnedByDetector.length === 0 ? (
          <p class="muted small">No flagged run spent anything.</p>
        ) : (
          <table class="table compact" id="cost-burned">
            <tbody>
              {costs.burnedByDetector.map((row) => (
                <tr>
                  <td>
                    <a href={runsHref({ detector: row.key, since: props.since })}>{detectorLabel(row.key)}</a>
                  </td>
                  <td class="num muted small">{`${formatCount(row.runs)} runs`}</td>
                  <td class="num">{`${formatUsd(row.costUsd)}${row.partial ? '+' : ''}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
