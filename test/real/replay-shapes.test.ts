import { describe, expect, it } from 'vitest';
import { normalizeRequest } from '../../model/normalize/normalize-span.js';
import { readRealRuns } from '../../analyzer/eval/real/load-real-runs.js';
import { renderRealRun } from '../../analyzer/eval/real/render-real-run.js';
import type { CorpusName, RealRun } from '../../analyzer/eval/real/real-run.js';

/**
 * The replay sends each framework's runs in its real wire shape, and the normaliser reads them
 * as the frameworks meant: tools, model output, the run's answer, failures.
 */
function first(corpus: CorpusName, predicate: (run: RealRun) => boolean = () => true): RealRun {
  const run = readRealRuns(corpus).find(predicate);
  if (run === undefined) throw new Error(`no ${corpus} run matches`);
  return run;
}

describe('real-run replay', () => {
  it('mini-swe-agent: OpenInference LLM spans with the bash block, a TOOL span per command, the diff as the answer, real times', () => {
    const run = first('mini-swe-agent', (item) => item.wire === 'openinference-tools');
    const spans = normalizeRequest(renderRealRun(run));
    const tools = spans.filter((span) => span.kind === 'tool');
    const llms = spans.filter((span) => span.kind === 'llm');
    expect(tools.length).toBeGreaterThan(5);
    expect(tools.every((span) => span.tool?.name === 'bash')).toBe(true);
    expect(JSON.parse(tools[0]!.tool!.arguments!)).toEqual({ command: expect.any(String) });
    expect(JSON.parse(tools[0]!.tool!.result!)).toMatchObject({ returncode: 0 });
    expect(llms[0]!.llm!.outputText).toContain('```bash');
    expect(llms[0]!.llm!.inputTokens).toBeGreaterThan(0);
    const root = spans.find((span) => span.parentSpanId === null)!;
    expect(root.kind).toBe('agent');
    expect(root.attributes['output.value']).toContain('diff --git');
    expect(run.timed).toBe(true);
    // Real response times: the spans spread over minutes on 2025-11-19.
    expect(new Date(Number(root.startTimeUnixNano / 1_000_000n)).toISOString()).toMatch(/^2025-11-/);
  });

  it('Magentic-One: GenAI chat and execute_tool spans, browser actions with their arguments, the content-filter crash as a failed model call', () => {
    const run = first('who-and-when', (item) => item.runId === 'who-and-when/hand-crafted/1');
    const spans = normalizeRequest(renderRealRun(run));
    const search = spans.find((span) => span.tool?.name === 'input_text' || span.tool?.name === 'web_search');
    expect(search).toBeDefined();
    expect(JSON.parse(search!.tool!.arguments!)).toHaveProperty(search!.tool!.name === 'web_search' ? 'query' : 'text_value');
    const failed = spans.filter((span) => span.kind === 'llm' && span.status === 'error');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.events[0]!.attributes['exception.message']).toContain('content');
    const root = spans.find((span) => span.parentSpanId === null)!;
    expect(root.status).not.toBe('error');
    expect(String(root.attributes['gen_ai.output.messages'])).toContain('FINAL ANSWER');
  });

  it('AG2 teams as a smolagents CodeAgent (OpenInference): CodeAgent.run → Step N → LiteLLMModel.generate, the code in the model output, what it printed in the step, failed code an ERROR step', () => {
    const run = first('who-and-when', (item) => item.framework === 'ag2' && item.steps.some((step) => step.type === 'model' && /^exitcode: 1/.test(step.observation ?? '')));
    const request = renderRealRun(run);
    expect(request.resourceSpans[0]!.scopeSpans[0]!.scope.name).toBe('openinference.instrumentation.smolagents');
    const spans = normalizeRequest(request);
    const root = spans.find((span) => span.parentSpanId === null)!;
    expect(root.name).toBe('CodeAgent.run');
    expect(root.kind).toBe('agent');
    expect(root.attributes['smolagents.task']).toBe(run.task);
    expect(JSON.parse(String(root.attributes['input.value']))).toMatchObject({ task: run.task });
    const steps = spans.filter((span) => /^Step \d+$/.test(span.name));
    expect(steps.length).toBe(run.steps.filter((step) => step.type === 'model').length);
    expect(steps.every((step) => step.attributes['openinference.span.kind'] === 'CHAIN' && step.parentSpanId === root.spanId)).toBe(true);
    const failed = steps.find((step) => step.status === 'error')!;
    expect(String(failed.attributes['output.value'])).toMatch(/^Execution logs:\nexitcode: 1/);
    expect(failed.events.find((event) => event.name === 'exception')!.attributes['exception.type']).toBe('AgentExecutionError');
    const models = spans.filter((span) => span.kind === 'llm');
    expect(models.every((span) => span.name === 'LiteLLMModel.generate' && steps.some((step) => step.spanId === span.parentSpanId))).toBe(true);
    expect(models.some((span) => span.llm?.outputText?.includes('```'))).toBe(true);
    expect(root.status).not.toBe('error');
  });

  it('mini-swe-agent as a smolagents CodeAgent: the bash tool the code called is a TOOL span under its step, real times kept', () => {
    const run = first('mini-swe-agent', (item) => item.wire === 'smolagents-code');
    const spans = normalizeRequest(renderRealRun(run));
    const steps = new Map(spans.filter((span) => /^Step \d+$/.test(span.name)).map((span) => [span.spanId, span]));
    const tools = spans.filter((span) => span.kind === 'tool');
    expect(tools.length).toBeGreaterThan(3);
    expect(tools.every((span) => span.tool?.name === 'bash' && steps.has(span.parentSpanId ?? ''))).toBe(true);
    expect(JSON.parse(tools[0]!.attributes['input.value'] as string)).toMatchObject({ kwargs: { command: expect.any(String) } });
    expect(run.timed).toBe(true);
    expect(readRealRuns('mini-swe-agent').some((item) => item.wire === 'openinference-tools')).toBe(true);
  });

  it('a smolagents run that answered records the answer as a FinalAnswerTool span (tool final_answer) in its last step', () => {
    const run = first('who-and-when', (item) => item.framework === 'ag2' && item.finalAnswer !== null && !(item.steps.filter((step) => step.type === 'model').at(-1) as { text: string }).text.includes('```'));
    const spans = normalizeRequest(renderRealRun(run));
    const final = spans.find((span) => span.name === 'FinalAnswerTool')!;
    expect(final.tool).toMatchObject({ name: 'final_answer', result: run.finalAnswer });
    expect(spans.find((span) => span.spanId === final.parentSpanId)!.name).toMatch(/^Step \d+$/);
  });

  it('tau-bench: OpenLLMetry (airline) and GenAI (retail) tool spans with the error text returned as an ordinary result', () => {
    for (const corpus of ['tau-airline', 'tau-retail'] as const) {
      const run = first(corpus, (item) => item.steps.some((step) => step.type === 'tool' && step.result.startsWith('Error')));
      const spans = normalizeRequest(renderRealRun(run));
      const failing = spans.find((span) => span.kind === 'tool' && (span.tool?.result ?? '').includes('Error'));
      expect(failing, corpus).toBeDefined();
      expect(failing!.status).not.toBe('error');
      expect(spans.filter((span) => span.kind === 'llm').some((span) => span.llm!.toolCallNames.length > 0)).toBe(true);
    }
  });

  it('every run replays to one trace with a single root, the same ids every time', () => {
    for (const corpus of ['mini-swe-agent', 'who-and-when', 'tau-airline', 'tau-retail'] as const) {
      const run = readRealRuns(corpus)[0]!;
      const a = renderRealRun(run);
      const b = renderRealRun(run);
      const spans = a.resourceSpans[0]!.scopeSpans[0]!.spans;
      expect(spans.filter((span) => span.parentSpanId === null)).toHaveLength(1);
      expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
      expect(spans.map((span) => span.spanId)).toEqual(b.resourceSpans[0]!.scopeSpans[0]!.spans.map((span) => span.spanId));
    }
  });
});
