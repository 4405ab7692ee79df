import type { Run } from '../../model/api.js';
import { Layout } from '../components/layout.js';
import { FlagBadges, StatusTag } from '../components/badges.js';
import { FoldedText } from '../components/span-detail.js';
import type { AlignedRow, CompareStep } from '../compare-steps.js';
import { formatCount, formatDuration, formatTime, formatUsd, prettyJsonText } from '../format.js';
import { runHref } from '../links.js';

/**
 * Two runs side by side: their headline figures (differences marked), input and answer, then
 * their steps aligned like a diff, each pair saying what differs.
 */
export function ComparePage(props: { a: Run; b: Run; rows: AlignedRow[]; truncated: boolean }) {
  const { a, b, rows } = props;
  const changed = rows.filter((row) => row.differences.length > 0 || row.a === null || row.b === null).length;
  return (
    <Layout title="Compare runs" section="runs">
      <nav class="crumbs">
        <a href="/runs">Runs</a> <span>/</span> <span>compare</span>
      </nav>
      <div class="page-head">
        <h1>Compare runs</h1>
        <span class="muted small">{`${rows.length} aligned steps, ${changed} differ`}</span>
      </div>
      <table class="table compare-head" id="compare-head">
        <thead>
          <tr>
            <th></th>
            <th>
              A · <a href={runHref(a.traceId)}>{a.name}</a> <span class="muted small mono">{a.traceId.slice(0, 12)}</span>
            </th>
            <th>
              B · <a href={runHref(b.traceId)}>{b.name}</a> <span class="muted small mono">{b.traceId.slice(0, 12)}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <HeadRow label="Started" a={`${formatTime(a.startTime)} UTC`} b={`${formatTime(b.startTime)} UTC`} same />
          <HeadRow label="Status" a={<StatusTag status={a.status} />} b={<StatusTag status={b.status} />} same={a.status === b.status} />
          <HeadRow label="Duration" a={formatDuration(a.durationMs)} b={formatDuration(b.durationMs)} same={!ratioDiffers(a.durationMs, b.durationMs)} />
          <HeadRow label="Steps" a={`${a.llmCallCount} model · ${a.toolCallCount} tool`} b={`${b.llmCallCount} model · ${b.toolCallCount} tool`} same={a.llmCallCount === b.llmCallCount && a.toolCallCount === b.toolCallCount} />
          <HeadRow label="Tokens" a={formatCount(a.inputTokens + a.outputTokens)} b={formatCount(b.inputTokens + b.outputTokens)} same={!ratioDiffers(a.inputTokens + a.outputTokens, b.inputTokens + b.outputTokens)} />
          <HeadRow label="Cost" a={formatUsd(a.costUsd)} b={formatUsd(b.costUsd)} same={a.costUsd === null || b.costUsd === null || !ratioDiffers(a.costUsd, b.costUsd)} />
          <HeadRow label="Errors" a={String(a.errorCount)} b={String(b.errorCount)} same={a.errorCount === b.errorCount} />
          <HeadRow label="Model" a={a.model ?? '–'} b={b.model ?? '–'} same={a.model === b.model} />
          <HeadRow label="Version" a={a.serviceVersion ?? '–'} b={b.serviceVersion ?? '–'} same={a.serviceVersion === b.serviceVersion} />
          <HeadRow label="Flags" a={<FlagBadges flags={a.flags} />} b={<FlagBadges flags={b.flags} />} same={a.flags.length === b.flags.length} />
          <HeadRow label="Input" a={a.input === null ? '–' : <FoldedText text={a.input} />} b={b.input === null ? '–' : <FoldedText text={b.input} />} same={a.input === b.input} />
          <HeadRow label="Answer" a={a.output === null ? '–' : <FoldedText text={a.output} />} b={b.output === null ? '–' : <FoldedText text={b.output} />} same={a.output === b.output} />
        </tbody>
      </table>

      <h2>Steps</h2>
      <table class="table compare-steps" id="compare-steps">
        <thead>
          <tr>
            <th class="num">#</th>
            <th>A</th>
            <th>B</th>
            <th>Differs in</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr class={row.a === null ? 'only-b' : row.b === null ? 'only-a' : row.differences.length > 0 ? 'differs' : 'same'}>
              <td class="num muted">{index + 1}</td>
              <td>{row.a === null ? <span class="muted small">—</span> : <StepCell step={row.a} traceId={a.traceId} mark={row.differences} />}</td>
              <td>{row.b === null ? <span class="muted small">—</span> : <StepCell step={row.b} traceId={b.traceId} mark={row.differences} />}</td>
              <td class="small">{row.a === null ? 'only in B' : row.b === null ? 'only in A' : row.differences.length === 0 ? <span class="muted">same</span> : row.differences.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.truncated ? <p class="muted small">Only the first model and tool calls of a long run are compared.</p> : null}
    </Layout>
  );
}

function HeadRow(props: { label: string; a: unknown; b: unknown; same: boolean }) {
  return (
    <tr class={props.same ? undefined : 'differs'}>
      <th>{props.label}</th>
      <td>{props.a as string}</td>
      <td>{props.b as string}</td>
    </tr>
  );
}

function StepCell(props: { step: CompareStep; traceId: string; mark: AlignedRow['differences'] }) {
  const { step } = props;
  return (
    <div class={`step-cell kind-${step.kind}${step.status === 'error' ? ' is-error' : ''}`}>
      <div>
        <a class="mono" href={runHref(props.traceId, step.spanId)}>
          {step.label}
        </a>{' '}
        <span class={props.mark.includes('slower') || props.mark.includes('faster') ? 'diff-mark' : 'muted small'}>{formatDuration(step.durationMs)}</span>
        {step.status === 'error' ? <span class={props.mark.includes('status') ? 'diff-mark' : 'err-count'}> error</span> : null}
        {step.tokens !== null ? <span class="muted small">{` · ${formatCount(step.tokens)} tokens`}</span> : null}
      </div>
      {step.arguments !== null ? (
        <div class={props.mark.includes('arguments') ? 'diff-box' : undefined}>
          <FoldedText text={prettyJsonText(step.arguments)} />
        </div>
      ) : null}
      {step.result !== null && step.result !== '' ? (
        <div class={props.mark.includes('result') ? 'diff-box' : undefined}>
          <span class="muted small">{step.kind === 'llm' ? 'answer ' : 'result '}</span>
          <FoldedText text={prettyJsonText(step.result)} />
        </div>
      ) : null}
    </div>
  );
}

function ratioDiffers(x: number, y: number): boolean {
  const low = Math.min(x, y);
  const high = Math.max(x, y);
  return high > 0 && (low === 0 || high / low >= 1.5);
}
