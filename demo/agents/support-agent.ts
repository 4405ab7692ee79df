import type { DemoAgent, Step } from '../run-script.js';
import { answerTurn, failedToolCall, toolCall, toolTurn } from './steps.js';

const QUESTIONS = [
  { ask: 'Where is my order {id}? It was supposed to arrive on Monday.', topic: 'late delivery', refund: false },
  { ask: 'Order {id} arrived damaged, the mug is cracked. Can I get my money back?', topic: 'damaged item refund', refund: true },
  { ask: 'I was charged twice for order {id}. Please fix this.', topic: 'duplicate charge', refund: true },
  { ask: 'Can I still change the shipping address for order {id}?', topic: 'change shipping address', refund: false },
  { ask: 'What is the status of {id}? The tracking page has not updated in 3 days.', topic: 'tracking not updating', refund: false },
] as const;

const CARRIERS = ['DHL', 'UPS', 'La Poste', 'DPD'];

/** A customer-support agent: knowledge-base search, order lookup, refunds (gpt-4o-mini). */
export const supportAgent: DemoAgent = {
  agent: 'support-agent',
  model: 'gpt-4o-mini',
  provider: 'openai',
  failures: ['swallowed_tool_error', 'latency_spike', 'refusal', 'tool_loop_errors', 'ends_on_tool_call'],
  script(scenario, random) {
    const orderId = `A${random.int(10000, 99999)}`;
    const question = random.pick(QUESTIONS);
    const input = question.ask.replace('{id}', orderId);
    const amount = random.int(12, 180) + 0.99;
    const carrier = random.pick(CARRIERS);
    const steps: Step[] = [];
    let tokens = 420;
    const next = () => (tokens += random.int(150, 320));

    steps.push(toolTurn(random, [{ name: 'search_kb', args: { query: question.topic } }], next()));
    steps.push(
      toolCall(random, 'search_kb', { query: question.topic }, 180, {
        articles: [
          { id: `kb-${random.int(100, 999)}`, title: `Help: ${question.topic}`, snippet: 'Orders usually ship within 2 business days…' },
          { id: `kb-${random.int(100, 999)}`, title: 'Refund policy', snippet: 'Refunds for damaged or double-charged orders are approved within 30 days.' },
        ],
      }),
    );
    steps.push(toolTurn(random, [{ name: 'get_order', args: { order_id: orderId } }], next()));

    if (scenario === 'tool_loop_errors') {
      for (let i = 0; i < 3; i++) {
        steps.push(failedToolCall(random, 'get_order', { order_id: orderId }, 2000, 'OrderService: request timed out after 2000 ms'));
        if (i < 2) steps.push(toolTurn(random, [{ name: 'get_order', args: { order_id: orderId } }], next()));
      }
      const text = `I'm having trouble reaching our order system right now. Please try again in a few minutes.`;
      steps.push(answerTurn(random, text, next()));
      return { input, steps, output: text };
    }
    if (scenario === 'swallowed_tool_error') {
      steps.push(toolCall(random, 'get_order', { order_id: orderId }, 150, { error: 'OrderService unavailable: 503 Service Unavailable', order: null }));
      steps.push(answerTurn(random, `Good news! Order ${orderId} has shipped with ${carrier} and should arrive by Friday.`, next()));
      return { input, steps, output: `Good news! Order ${orderId} has shipped with ${carrier} and should arrive by Friday.` };
    }
    const order = { order_id: orderId, status: 'shipped', carrier, eta: '2 business days', total: amount };
    steps.push(toolCall(random, 'get_order', { order_id: orderId }, 150, order));
    if (scenario === 'latency_spike') (steps[steps.length - 1] as { durationMs: number }).durationMs = random.durationMs(5200, 0.1);

    if (scenario === 'refusal') {
      const text = "I'm sorry, but I can't help with that request.";
      steps.push(answerTurn(random, text, next()));
      return { input, steps, output: text };
    }
    if (question.refund || scenario === 'ends_on_tool_call') {
      steps.push(toolTurn(random, [{ name: 'refund', args: { order_id: orderId, amount } }], next()));
      steps.push(toolCall(random, 'refund', { order_id: orderId, amount }, 420, { refund_id: `rf_${random.int(1000, 9999)}`, status: 'approved', amount }));
      if (scenario === 'ends_on_tool_call') return { input, steps };
      const text = `I've refunded $${amount} for order ${orderId}; you'll see it on your statement within 5–7 business days. Sorry for the trouble!`;
      steps.push(answerTurn(random, text, next()));
      return { input, steps, output: text };
    }
    const text = `Order ${orderId} shipped with ${carrier} and is expected within 2 business days. The tracking page can lag by a day; if nothing changes by then, reply here and I'll open a claim.`;
    steps.push(answerTurn(random, text, next()));
    return { input, steps, output: text };
  },
};
