import type { Child } from 'hono/jsx';
import type { ApiSpan, DetectorId, Flag } from '../../model/api.js';
import { BaselineBars, LatencyScatter, type BandSegment, type ScatterPoint } from './charts.js';
import { FoldedText } from './span-detail.js';
import { formatDuration, prettyJsonText, toDisplayText } from '../format.js';
import { runHref } from '../links.js';
import { detectorFillClass } from '../detector-styles.js';

/** History of a spiking span's operation, loaded by the route for the spike chart. */
export interface SpikeContext {
  operation: string;
  points: ScatterPoint[];
  band: BandSegment[];
  sinceMs: number;
  untilMs: number;
  /** True when the band is the detector's own baseline (from the evidence). */
  judged: boolean;
}

/**
 * "Why we think so": the evidence of one flag, shown the way a person checks it — for a loop the
 * repeated calls side by side, for a spike the duration against its baseline, for a silent
 * failure the offending result or answer — followed by every evidence field as recorded.
 * The evidence's shape belongs to each detector; unknown fields are shown generically.
 */
export function FlagEvidence(props: {
  flag: Flag;
  spansById: Map<string, ApiSpan>;
  runStartMs: number;
  spike?: SpikeContext;
  /** The run's final answer (Run.output): a silent failure's evidence shows the answer that claimed success. */
  finalAnswer?: string | null;
}) {
  const { flag } = props;
  const spans = flag.spanIds.map((id) => props.spansById.get(id)).filter((span): span is ApiSpan => span !== undefined);
  // A flag stored by another version may name a detector this one does not know: fields only.
  const view = Object.hasOwn(EVIDENCE_VIEWS, flag.detector) ? EVIDENCE_VIEWS[flag.detector] : undefined;
  return (
    <div class="evidence">
      {view?.render({ flag, spans, runStartMs: props.runStartMs, spike: props.spike, finalAnswer: props.finalAnswer ?? null }) ?? null}
      <EvidenceFields evidence={flag.evidence} open={view?.fieldsOpen ?? true} />
    </div>
  );
}

interface EvidenceViewProps {
  flag: Flag;
  /** The flag's spans that are in the run, in the flag's order. */
  spans: ApiSpan[];
  runStartMs: number;
  spike: SpikeContext | undefined;
  finalAnswer: string | null;
}

/**
 * How each detector's evidence is shown, one entry per descriptor (model/detectors/): a detector
 * without a view here is a type error. `fieldsOpen`: whether "Evidence as recorded" starts open.
 */
const EVIDENCE_VIEWS: { [Id in DetectorId]: { render(props: EvidenceViewProps): Child; fieldsOpen: boolean } } = {
  silent_failure: {
    render: (props) => (
      <>
        <SilentFailureEvidence spans={props.spans} traceId={props.flag.traceId} />
        <FinalAnswer text={props.finalAnswer} />
      </>
    ),
    fieldsOpen: true,
  },
  tool_loop: { render: (props) => <LoopCalls spans={props.spans} traceId={props.flag.traceId} runStartMs={props.runStartMs} />, fieldsOpen: true },
  latency_spike: { render: (props) => <SpikeEvidence flag={props.flag} spans={props.spans} spike={props.spike} />, fieldsOpen: false },
};

/** The answer the run ended with, which reported success over the failure (issue 17, defect 6). */
function FinalAnswer(props: { text: string | null }) {
  if (props.text === null) return null;
  return (
    <div class="final-answer">
      <div class="ev-label">The final answer, which reported success</div>
      {props.text.trim() === '' ? <pre class="value value-error">(empty)</pre> : <FoldedText text={props.text} open />}
    </div>
  );
}

/** The repeated calls side by side: one column per call. */
function LoopCalls(props: { spans: ApiSpan[]; traceId: string; runStartMs: number }) {
  if (props.spans.length === 0) return null;
  const shown = props.spans.slice(0, 8);
  return (
    <div class="loop-calls">
      <div class="ev-label">{`The repeated calls (${props.spans.length}${props.spans.length > shown.length ? `, first ${shown.length} shown` : ''})`}</div>
      <div class="side-by-side">
        {shown.map((span, index) => (
          <div class={`call-card${span.status === 'error' ? ' is-error' : ''}`}>
            <div class="call-head">
              <b>{`#${index + 1}`}</b> <a class="mono" href={runHref(props.traceId, span.spanId)}>{span.tool?.name ?? span.name}</a>
              <span class="muted small">{`+${formatDuration(Math.max(0, Date.parse(span.startTime) - props.runStartMs))}`}</span>
            </div>
            <div class="call-part">args</div>
            <pre class="value clip">{span.tool?.arguments != null ? prettyJsonText(span.tool.arguments) : '–'}</pre>
            <div class="call-part">result</div>
            <pre class="value clip">{span.tool?.result != null ? prettyJsonText(span.tool.result) : span.statusMessage || '–'}</pre>
          </div>
        ))}
      </div>
    </div>
  );
}

function SpikeEvidence(props: { flag: Flag; spans: ApiSpan[]; spike: SpikeContext | undefined }) {
  const span = props.spans[0];
  const evidence = props.flag.evidence;
  const observed = span?.durationMs ?? pickNumber(evidence, /^(span_?)?(duration|observed)(_?ms)?$/i);
  const median = pickNumber(evidence, /^(baseline_?)?(median|p50)(_?ms)?$/i);
  const p95 = pickNumber(evidence, /^(baseline_?)?p9[59](_?ms)?$/i);
  const threshold = pickNumber(evidence, /^(threshold|limit|cutoff)_?ms$/i);
  const rows: { label: string; valueMs: number; cls: string }[] = [];
  if (observed !== undefined) rows.push({ label: 'this call', valueMs: observed, cls: detectorFillClass('latency_spike') });
  if (threshold !== undefined) rows.push({ label: 'threshold', valueMs: threshold, cls: 'fill-threshold' });
  if (p95 !== undefined) rows.push({ label: 'baseline p95', valueMs: p95, cls: 'fill-baseline' });
  if (median !== undefined) rows.push({ label: 'baseline median', valueMs: median, cls: 'fill-baseline' });
  return (
    <div class="spike">
      {rows.length > 1 ? (
        <div>
          <div class="ev-label">
            {median !== undefined && observed !== undefined && median > 0 ? `${(observed / median).toFixed(1)}× the usual duration` : 'Duration against the baseline'}
          </div>
          <BaselineBars rows={rows} />
        </div>
      ) : null}
      {props.spike !== undefined && props.spike.points.length > 1 ? (
        <div>
          <div class="ev-label">
            Recent calls of <span class="mono">{props.spike.operation}</span>
          </div>
          <LatencyScatter
            label={`recent durations of ${props.spike.operation}`}
            points={props.spike.points}
            band={props.spike.band}
            sinceMs={props.spike.sinceMs}
            untilMs={props.spike.untilMs}
            height={150}
            width={460}
            bandLabel={props.spike.judged ? 'baseline p50–p95 the detector used' : 'baseline p50–p95'}
          />
        </div>
      ) : null}
    </div>
  );
}

/** Attribute keys that hold a model's answer in any dialect; token counts, models and reasons are not answers. */
const OUTPUT_KEY = /(output|completion|answer|response\.text|result)/i;
const NOT_OUTPUT_KEY = /(token|model|finish|reason|\.id$|mime|type$)/i;

/** The offending result or answer: tool results, model output, status messages, exceptions. */
function SilentFailureEvidence(props: { spans: ApiSpan[]; traceId: string }) {
  if (props.spans.length === 0) return null;
  return (
    <div class="offending">
      {props.spans.slice(0, 4).map((span) => {
        const outputs = Object.entries(span.attributes).filter(([key]) => OUTPUT_KEY.test(key) && !NOT_OUTPUT_KEY.test(key));
        const exceptions = span.events.filter((event) => event.name === 'exception');
        return (
          <div class="offending-span">
            <div class="ev-label">
              {span.tool ? 'Tool result of ' : span.llm ? 'Model answer of ' : 'Span '}
              <a class="mono" href={runHref(props.traceId, span.spanId)}>
                {span.tool?.name ?? span.name}
              </a>
              {` · status as reported: ${span.status}`}
            </div>
            {span.tool?.result != null ? <FoldedText text={prettyJsonText(span.tool.result)} open /> : null}
            {span.llm && span.llm.finishReason ? <div class="small">{`finish reason: ${span.llm.finishReason}`}</div> : null}
            {span.llm ? (
              <div>
                <span class="muted small">answer text</span>
                {answerText(span) === '' ? <pre class="value value-error">(empty)</pre> : <FoldedText text={answerText(span) ?? '(not captured)'} open />}
              </div>
            ) : null}
            {!span.tool
              ? outputs.slice(0, 2).map(([key, value]) => (
                  <div>
                    <span class="muted small mono">{key}</span>
                    <FoldedText text={typeof value === 'string' ? prettyJsonText(value) : toDisplayText(value)} open={!span.llm} />
                  </div>
                ))
              : null}
            {exceptions.map((event) => (
              <pre class="value value-error">{toDisplayText(event.attributes['exception.message'] ?? event.attributes['exception.type'] ?? event.attributes)}</pre>
            ))}
          </div>
        );
      })}
    </div>
  );
}

/**
 * The assistant's text in a model call's output attributes: the text parts of
 * `gen_ai.output.messages`, else the first plain output string; null when not captured.
 */
export function answerText(span: ApiSpan): string | null {
  const messages = span.attributes['gen_ai.output.messages'];
  if (typeof messages === 'string') {
    try {
      const parsed = JSON.parse(messages) as { parts?: { type?: string; content?: unknown }[] }[];
      if (Array.isArray(parsed)) {
        return parsed
          .flatMap((message) => (Array.isArray(message?.parts) ? message.parts : []))
          .filter((part) => part?.type === 'text' && typeof part.content === 'string')
          .map((part) => part.content as string)
          .join('\n');
      }
    } catch {
      // not JSON: fall through to the plain keys
    }
  }
  for (const key of ['gen_ai.completion', 'ai.response.text', 'output.value', 'traceloop.entity.output']) {
    const value = span.attributes[key];
    if (typeof value === 'string') return value;
  }
  return null;
}

/** Every evidence field: short scalars as compact key–value chips, long text and structures folded. */
function EvidenceFields(props: { evidence: Record<string, unknown>; open: boolean }) {
  const entries = Object.entries(props.evidence);
  if (entries.length === 0) return null;
  const isShort = (value: unknown) => value === null || typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 60 && !value.includes('\n'));
  const short = entries.filter(([, value]) => isShort(value));
  const long = entries.filter(([, value]) => !isShort(value));
  return (
    <details class="ev-fields" open={props.open ? true : undefined}>
      <summary>Evidence as recorded</summary>
      <div class="kv-chips">
        {short.map(([key, value]) => (
          <span class="kv">
            <span class="k">{humanize(key)}</span>
            <span class="v">{typeof value === 'number' && /ms$/i.test(key) ? formatDuration(value) : String(value)}</span>
          </span>
        ))}
      </div>
      {long.length > 0 ? (
        <dl class="facts">
          {long.map(([key, value]) => (
            <>
              <dt>{humanize(key)}</dt>
              <dd>
                <FoldedText text={toDisplayText(value)} />
              </dd>
            </>
          ))}
        </dl>
      ) : null}
    </details>
  );
}

function humanize(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}

/** The first number under a key matching `pattern`, at the top level or one level down. */
export function pickNumber(value: unknown, pattern: RegExp, depth = 0): number | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'number' && Number.isFinite(child) && pattern.test(key)) return child;
  }
  if (depth >= 2) return undefined;
  for (const child of Object.values(value)) {
    const found = pickNumber(child, pattern, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
