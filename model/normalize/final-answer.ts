/**
 * How frameworks record that a run gave its answer, beyond a last model reply:
 * - a final-answer tool (smolagents `final_answer`, `submit`, `finish`, `attempt_completion`,
 *   `task_complete`, …) or a hand-over that ends the agent's part (`transfer_to_human_agents`);
 * - a shell command that submits (mini-swe-agent's `echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT`,
 *   SWE-agent's `submit`);
 * - `FINAL ANSWER: …` text (GAIA-style agents, Magentic-One's scenario output).
 * Pure functions of names and text; used by detectors, never at ingest.
 */

const FINAL_TOOLS = new Set([
  'finalanswer',
  'final',
  'submit',
  'submitanswer',
  'submitfinalanswer',
  'finish',
  'finishtask',
  'taskcomplete',
  'complete',
  'completetask',
  'attemptcompletion',
  'returnanswer',
  'answer',
  'respond',
  'done',
  'transfertohumanagents',
  'transfertohuman',
  'handofftohuman',
  'escalatetohuman',
]);

/** A command that submits the work (the run ends on it by design). */
const SUBMIT_COMMAND = /\b(?:COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT|MINI_SWE_AGENT_FINAL_OUTPUT)\b|^\s*submit\s*$/m;

/** True when a call of `name` with `args` ends the run with its answer or a hand-over. */
export function isFinalAnswerCall(name: string, args: string | null): boolean {
  if (FINAL_TOOLS.has(name.toLowerCase().replace(/[^a-z]/g, ''))) return true;
  return args !== null && SUBMIT_COMMAND.test(args.length > 4000 ? args.slice(0, 4000) : args);
}

const FINAL_ANSWER_TEXT = /(?:^|\n)\s*(?:\*\*)?FINAL ANSWER(?:\*\*)?\s*:\s*(\S[^\n]*)/i;

/** The answer of a `FINAL ANSWER: …` line in a text, or null when there is none. */
export function readFinalAnswerText(text: string | null): string | null {
  if (text === null) return null;
  const match = FINAL_ANSWER_TEXT.exec(text);
  return match === null ? null : match[1]!.trim();
}
