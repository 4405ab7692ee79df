import type { DemoAgent, Step } from '../run-script.js';
import { answerTurn, toolCall, toolTurn } from './steps.js';

const TOPICS = [
  { ask: 'Summarise the latest research on solid-state batteries for EVs.', query: 'solid-state battery EV 2026 progress', site: 'batteries' },
  { ask: 'What are the main differences between RAG and fine-tuning?', query: 'RAG vs fine-tuning tradeoffs', site: 'llm-adaptation' },
  { ask: 'Give me an overview of heat pump adoption in Europe.', query: 'heat pump adoption Europe statistics', site: 'heat-pumps' },
  { ask: 'How do CRDTs handle concurrent edits?', query: 'CRDT concurrent edits explained', site: 'crdt' },
  { ask: 'What is the current consensus on intermittent fasting?', query: 'intermittent fasting meta-analysis', site: 'fasting' },
] as const;

/** A research assistant: web search and page fetches (claude-sonnet-4). */
export const researchAgent: DemoAgent = {
  agent: 'research-agent',
  model: 'claude-sonnet-4',
  provider: 'anthropic',
  failures: ['tool_loop_repeat', 'truncated_answer', 'latency_spike', 'empty_answer'],
  script(scenario, random) {
    const topic = random.pick(TOPICS);
    const steps: Step[] = [];
    let tokens = 900;
    const next = () => (tokens += random.int(600, 1400));
    const urls = [1, 2].map((n) => `https://example.org/${topic.site}/article-${random.int(10, 99)}-${n}`);
    const searchResult = { results: urls.map((url, i) => ({ url, title: `${topic.query} (${i + 1})` })) };

    steps.push(toolTurn(random, [{ name: 'web_search', args: { query: topic.query } }], next()));
    steps.push(toolCall(random, 'web_search', { query: topic.query }, 900, searchResult));
    if (scenario === 'latency_spike') (steps[steps.length - 1] as { durationMs: number }).durationMs = random.durationMs(14000, 0.1);
    if (scenario === 'tool_loop_repeat') {
      for (let i = 0; i < 5; i++) {
        steps.push(toolTurn(random, [{ name: 'web_search', args: { query: topic.query } }], next()));
        steps.push(toolCall(random, 'web_search', { query: topic.query }, 900, searchResult));
      }
    }
    for (const url of urls) {
      steps.push(toolTurn(random, [{ name: 'fetch_page', args: { url } }], next()));
      steps.push(toolCall(random, 'fetch_page', { url }, 600, { url, status: 200, text: `Article about ${topic.query}. Key findings: …` }));
    }
    const summary = `Here is what the sources say about ${topic.query}: the two most-cited articles agree on the main trend, with some disagreement on timelines. Sources: ${urls.join(', ')}.`;
    if (scenario === 'empty_answer') {
      steps.push(answerTurn(random, '', next(), 'stop', 0));
      return { input: topic.ask, steps, output: '' };
    }
    if (scenario === 'truncated_answer') {
      const cut = `${summary} In more detail, the first article argues that the`;
      steps.push(answerTurn(random, cut, next(), 'length', 1024));
      return { input: topic.ask, steps, output: cut };
    }
    steps.push(answerTurn(random, summary, next()));
    return { input: topic.ask, steps, output: summary };
  },
};
