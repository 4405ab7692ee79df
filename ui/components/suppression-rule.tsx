import type { Suppression } from '../../store/api.js';

const SCOPE_WORDS: Record<Suppression['scope'], string> = { signature: 'pattern', tool: 'tool', agent: 'agent' };

/** What a rule matches, in words: "tool_loop · tool search". Escaped like any text (values come from spans). */
export function SuppressionRuleText(props: { rule: Pick<Suppression, 'detector' | 'scope' | 'value'> }) {
  return (
    <>
      <span class="mono">{props.rule.detector}</span>
      {` · ${SCOPE_WORDS[props.rule.scope]} `}
      <b class="rule-value">{props.rule.value}</b>
    </>
  );
}
