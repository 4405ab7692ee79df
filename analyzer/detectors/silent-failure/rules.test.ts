import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SILENT_FAILURE_RULES } from './rules.js';

describe('SILENT_FAILURE_RULES', () => {
  it('lists one rule per file under rules/, each once', () => {
    const files = readdirSync(join(import.meta.dirname, 'rules')).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
    expect(new Set(SILENT_FAILURE_RULES).size).toBe(SILENT_FAILURE_RULES.length);
    expect(SILENT_FAILURE_RULES.length).toBe(files.length);
  });

  it('runs span rules first, then the final-turn priority list, then the run-output rules', () => {
    const order = { spans: 0, final_turn: 1, run_output: 2 };
    const scopes = SILENT_FAILURE_RULES.map((rule) => order[rule.scope]);
    expect(scopes).toEqual([...scopes].sort((a, b) => a - b));
  });

  it('covers all eight rules of DETECTION.md by name', () => {
    expect(new Set(SILENT_FAILURE_RULES.map((rule) => rule.name))).toEqual(
      new Set(['silent_tool_error', 'unrecorded_exception', 'masked_child_error', 'truncated_answer', 'filtered_answer', 'no_final_answer', 'empty_answer', 'refusal']),
    );
  });
});
