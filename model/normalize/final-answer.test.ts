import { describe, expect, it } from 'vitest';
import { isFinalAnswerCall, readFinalAnswerText } from './final-answer.js';

describe('final answers as frameworks record them', () => {
  it('knows final-answer and hand-over tools whatever their spelling', () => {
    for (const name of ['final_answer', 'FinalAnswer', 'submit', 'attempt_completion', 'task_complete', 'transfer_to_human_agents']) expect(isFinalAnswerCall(name, '{}'), name).toBe(true);
    for (const name of ['search', 'bash', 'get_final_report', 'answer_question']) expect(isFinalAnswerCall(name, '{}'), name).toBe(false);
  });

  it('knows a shell command that submits', () => {
    expect(isFinalAnswerCall('bash', '{"command":"echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached"}')).toBe(true);
    expect(isFinalAnswerCall('bash', '{"command":"python submit_form.py"}')).toBe(false);
  });

  it('reads FINAL ANSWER: lines, not the words in passing', () => {
    expect(readFinalAnswerText('No agent selected.\nFINAL ANSWER: 1080000000')).toBe('1080000000');
    expect(readFinalAnswerText('**FINAL ANSWER**: Paris')).toBe('Paris');
    expect(readFinalAnswerText('I will give the final answer: later')).toBeNull();
    expect(readFinalAnswerText(null)).toBeNull();
  });
});
