/**
 * One labelled drop-down of a GET filter form: "any" (the empty value) first, then the options.
 * Values and labels are shown as text (span content can reach them through service and agent
 * names), never as markup.
 */
export function FilterSelect(props: {
  label: string;
  name: string;
  options: readonly string[];
  selected: string | undefined;
  /** How an option is shown; the value itself by default. */
  optionLabel?: (value: string) => string;
}) {
  const show = props.optionLabel ?? ((value: string) => value);
  return (
    <label>
      <span>{props.label}</span>
      <select name={props.name}>
        <option value="">any</option>
        {props.options.map((value) => (
          <option value={value} selected={props.selected === value}>
            {show(value)}
          </option>
        ))}
      </select>
    </label>
  );
}
