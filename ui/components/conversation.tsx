import type { CallBlock, Turn, TurnPart } from '../conversation-turns.js';
import { FoldedText } from './span-detail.js';
import { formatCount, prettyJsonText } from '../format.js';
import { runHref } from '../links.js';

/**
 * The run's input and final answer, shown first on the run page. Text nodes only (content is
 * untrusted); long text folds.
 */
export function RunIo(props: { input: string | null; output: string | null }) {
  if (props.input === null && props.output === null) return null;
  return (
    <section class="run-io" aria-label="Input and final answer">
      <div class="io-card io-input">
        <h2>Input</h2>
        {props.input === null ? <p class="muted small">not captured</p> : <FoldedText text={props.input} open />}
      </div>
      <div class="io-card io-output">
        <h2>Final answer</h2>
        {props.output === null ? <p class="muted small">not captured</p> : <FoldedText text={props.output} open />}
      </div>
    </section>
  );
}

/**
 * Every model call as chat turns: the system prompt folded, only the messages new to each call,
 * tool calls with their results; each call links to its span, whose panel has the raw attributes.
 */
export function Conversation(props: { traceId: string; blocks: CallBlock[]; truncated: boolean }) {
  if (props.blocks.length === 0) return null;
  return (
    <details class="conversation" id="conversation" open>
      <summary>
        <h2>{`Conversation (${props.blocks.length} model call${props.blocks.length === 1 ? '' : 's'})`}</h2>
      </summary>
      {props.blocks.map((block, index) => (
        <div class="call-block" data-call={block.spanId}>
          <div class="call-head">
            <span class="call-index">{`Call ${index + 1}`}</span>
            {block.model !== null ? <span class="mono small">{block.model}</span> : null}
            {block.inputTokens !== null || block.outputTokens !== null ? (
              <span class="muted small">{`${formatCount(block.inputTokens ?? 0)} in · ${formatCount(block.outputTokens ?? 0)} out`}</span>
            ) : null}
            <span class="spacer"></span>
            <a class="small" href={runHref(props.traceId, block.spanId)}>
              span and raw attributes
            </a>
          </div>
          {!block.captured ? <p class="muted small">No messages recorded on this call (content capture may be off).</p> : null}
          {block.system !== null ? (
            <details class="turn turn-system">
              <summary>
                <span class="role">system</span> <span class="muted small">{`${block.system.length.toLocaleString('en')} chars`}</span>
              </summary>
              <pre class="value">{block.system}</pre>
            </details>
          ) : null}
          {block.repeatedCount > 0 ? <p class="muted small repeated">{`… ${block.repeatedCount} earlier message${block.repeatedCount === 1 ? '' : 's'}, shown above`}</p> : null}
          {block.input.map((turn) => (
            <TurnView turn={turn} traceId={props.traceId} />
          ))}
          {block.output.map((turn) => (
            <TurnView turn={turn} traceId={props.traceId} answer />
          ))}
        </div>
      ))}
      {props.truncated ? <p class="muted small">Later calls are left out here; every span is in the waterfall below and in GET /api/runs/:traceId.</p> : null}
    </details>
  );
}

function TurnView(props: { turn: Turn; traceId: string; answer?: boolean }) {
  const role = props.turn.role;
  return (
    <div class={`turn turn-${roleClass(role)}${props.answer ? ' turn-answer' : ''}`}>
      <span class="role">{role}</span>
      <div class="turn-body">
        {props.turn.parts.length === 0 ? <span class="muted small">(empty)</span> : props.turn.parts.map((part) => <PartView part={part} traceId={props.traceId} />)}
      </div>
    </div>
  );
}

function PartView(props: { part: TurnPart; traceId: string }) {
  const { part } = props;
  if (part.type === 'text') return <FoldedText text={part.text} open />;
  if (part.type === 'tool_result') {
    return (
      <div class="tool-result">
        <span class="muted small">{`result${part.name !== null ? ` of ${part.name}` : ''}`}</span>
        <FoldedText text={prettyJsonText(part.result)} />
      </div>
    );
  }
  return (
    <div class={`tool-call${part.failed ? ' is-error' : ''}`}>
      <div>
        <span class="muted small">calls</span> <b class="mono">{part.name}</b>
        {part.resultSpanId !== null ? (
          <>
            {' '}
            <a class="small" href={runHref(props.traceId, part.resultSpanId)}>
              tool span
            </a>
          </>
        ) : null}
      </div>
      {part.arguments !== '' ? <FoldedText text={prettyJsonText(part.arguments)} /> : null}
      <div class="tool-result">
        <span class="muted small">{part.failed ? 'failed with' : 'result'}</span>
        {part.result === null ? <span class="muted small"> not recorded</span> : <FoldedText text={prettyJsonText(part.result)} />}
      </div>
    </div>
  );
}

/** Known roles get their own colour; anything else (untrusted text) gets the neutral one. */
function roleClass(role: string): string {
  return ['user', 'assistant', 'tool', 'system', 'developer'].includes(role) ? role : 'other';
}
