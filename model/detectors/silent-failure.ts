import { z } from 'zod';
import type { SpanStatus } from '../span.js';
import type { DetectorDescriptor } from './detector-descriptor.js';

/** The final model turn a final-answer rule judged. */
export type FinalTurnEvidence = {
  finalSpan: string;
  model: string | null;
  finishReason: string | null;
  outputTokens: number | null;
};

/** The evidence of a silent_failure flag, by rule (texts are previews, whitespace folded). */
export type SilentFailureEvidence =
  | { rule: 'silent_tool_error'; tool: string; spanStatus: SpanStatus; matched: string; result: string | null; arguments: string | null }
  | { rule: 'unrecorded_exception'; span: string; spanStatus: SpanStatus; exceptionType: string; exceptionMessage: string | null }
  | { rule: 'masked_child_error'; span: string; statusMessage: string | null; rootStatus: SpanStatus; finalAnswer: string | null }
  | (FinalTurnEvidence & { rule: 'truncated_answer'; answerTail: string | null })
  | (FinalTurnEvidence & { rule: 'filtered_answer' })
  | (FinalTurnEvidence & { rule: 'no_final_answer'; lastTool: string; toolCallsAfterLastModelCall: number })
  | (FinalTurnEvidence & { rule: 'no_final_answer'; answer: string | null })
  | { rule: 'no_final_answer'; span: string; answer: string | null }
  | (FinalTurnEvidence & { rule: 'empty_answer'; outputLength: number })
  | (FinalTurnEvidence & { rule: 'refusal'; answer: string | null });

export const silentFailureOptionsSchema = z
  .object({
    refusalMaxChars: z.coerce.number().int().positive().default(600).describe('A final answer longer than this (characters) is never read as a refusal. Default 600.'),
    exceptionEvents: z.boolean().default(true).describe('Flag exception events on spans whose status is not ERROR. Default true.'),
    maskedChildErrors: z.boolean().default(true).describe('Flag a child span that failed while the run carried on (not retried, not mentioned). Default true.'),
  })
  .strict()
  .prefault({});

export const SILENT_FAILURE: DetectorDescriptor<'silent_failure', 'silentFailure', typeof silentFailureOptionsSchema, SilentFailureEvidence> = {
  id: 'silent_failure',
  label: 'Silent failure',
  description: 'The run looks fine but is not: a tool error passed off as success, an exception left unrecorded, a failure the answer hides, or a final answer that is truncated, filtered, empty, a refusal or missing.',
  colour: { main: '#9333ea', text: '#9333ea', soft: '#f4ecfe', border: '#e4d0fb' },
  configKey: 'silentFailure',
  options: silentFailureOptionsSchema,
  rules: ['silent_tool_error', 'unrecorded_exception', 'masked_child_error', 'truncated_answer', 'filtered_answer', 'no_final_answer', 'empty_answer', 'refusal'],
  baselines: [],
  failsRun: true,
};
