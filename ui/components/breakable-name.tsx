/**
 * An attribute name (gen_ai.usage.input_tokens) that may wrap only after its separators (. _ - /
 * :), never inside a word: each word is its own text node with a <wbr> after each separator, and
 * the stylesheet (.breakable) forbids breaks anywhere else. Text only, never markup.
 */
export function BreakableName(props: { name: string }) {
  const parts = props.name.split(/(?<=[._\-/:])/);
  return (
    <span class="breakable">
      {parts.map((part, index) => (
        <>
          {part}
          {index < parts.length - 1 ? <wbr /> : null}
        </>
      ))}
    </span>
  );
}
