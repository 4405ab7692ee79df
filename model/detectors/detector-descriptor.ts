import type { z } from 'zod';

/**
 * A detector's colour in the web view and reports: `main` for fills, borders and dots, `text` for
 * words on `soft` (badges), `border` around them. CSS hex colours (`#rrggbb`).
 */
export interface DetectorColour {
  main: string;
  text: string;
  soft: string;
  border: string;
}

/**
 * The baseline samples a detector reads from history: `latency`, robust statistics of durations
 * per step key and per run key (the analyser stores them only when some detector needs them).
 */
export type BaselineKind = 'latency';

/**
 * Everything that identifies one detector, in one place: the web view (labels, colours, evidence),
 * reports, the configuration and the queries derive from it. The detector's logic lives in
 * analyzer/detectors/; this is what the rest of tracehound may know of it.
 * - `id` is fixed by SPEC.md (flags, API filters and stored rows carry it); never renamed.
 * - `configKey` is the detector's section under `analyzer:` in otel-config.yaml; never renamed.
 * - `options` validates that section (every field `.describe()`d, unknown keys refused, each with
 *   a default, so an absent section is all defaults).
 * - `rules` are the values `evidence.rule` takes in its flags (the shapes it recognises), in the
 *   order the web view lists them; `Evidence` types the evidence of its flags by rule.
 */
export interface DetectorDescriptor<Id extends string = string, ConfigKey extends string = string, Options extends z.ZodType = z.ZodType, Evidence = unknown> {
  id: Id;
  /** Words for people: "Silent failure". */
  label: string;
  /** One sentence: what a flag of it means. */
  description: string;
  colour: DetectorColour;
  configKey: ConfigKey;
  options: Options;
  rules: readonly string[];
  baselines: readonly BaselineKind[];
  /** A flag of it means the run failed although its root span is not ERROR (counted as a failed run in reports). */
  failsRun: boolean;
  /** Type-only: the evidence of its flags (never read at run time). */
  readonly evidence?: Evidence;
}
