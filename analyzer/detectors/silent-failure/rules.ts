import type { SilentFailureRule } from './rule.js';
import { silentToolErrorRule } from './rules/silent-tool-error.js';
import { unrecordedExceptionRule } from './rules/unrecorded-exception.js';
import { maskedChildErrorRule } from './rules/masked-child-error.js';
import { truncatedAnswerRule } from './rules/truncated-answer.js';
import { filteredAnswerRule } from './rules/filtered-answer.js';
import { noFinalAnswerRule } from './rules/no-final-answer.js';
import { emptyAnswerRule } from './rules/empty-answer.js';
import { refusalRule } from './rules/refusal.js';
import { gaveUpRunOutputRule } from './rules/gave-up-run-output.js';

/**
 * silent_failure's rules, in the order they run and their flags are listed (like Jaeger's query
 * adjusters). The final-turn rules are a priority list: the first with a verdict on the final
 * model turn wins. A new rule gets its own file under rules/, with its test beside it, and one
 * line here.
 */
export const SILENT_FAILURE_RULES: readonly SilentFailureRule[] = [
  silentToolErrorRule,
  unrecordedExceptionRule,
  maskedChildErrorRule,
  truncatedAnswerRule,
  filteredAnswerRule,
  noFinalAnswerRule,
  emptyAnswerRule,
  refusalRule,
  gaveUpRunOutputRule,
];
