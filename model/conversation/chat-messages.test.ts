import { describe, expect, it } from 'vitest';
import { readChatTranscript } from './chat-messages.js';

describe('readChatTranscript', () => {
  it('reads OTel GenAI messages with the system instructions apart and tool calls with their results', () => {
    const transcript = readChatTranscript({
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Lisbon?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'weather', arguments: { city: 'Lisbon' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { temp: 21 } }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny, 21°C.' }], finish_reason: 'stop' }]),
    });
    expect(transcript).toEqual({
      system: 'Be brief.',
      input: [
        { role: 'user', parts: [{ type: 'text', text: 'Weather in Lisbon?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'weather', arguments: '{"city":"Lisbon"}' }] },
        { role: 'tool', parts: [{ type: 'tool_result', id: 'c1', name: null, result: '{"temp":21}' }] },
      ],
      output: [{ role: 'assistant', parts: [{ type: 'text', text: 'Sunny, 21°C.' }] }],
    });
  });

  it('reads OpenInference flattened messages', () => {
    const transcript = readChatTranscript({
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'You help.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'Hi',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"hi"}',
    });
    expect(transcript).toEqual({
      system: 'You help.',
      input: [{ role: 'user', parts: [{ type: 'text', text: 'Hi' }] }],
      output: [{ role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'search', arguments: '{"q":"hi"}' }] }],
    });
  });

  it('reads legacy flattened gen_ai.prompt / gen_ai.completion with tool answers', () => {
    const transcript = readChatTranscript({
      'gen_ai.prompt.0.role': 'user',
      'gen_ai.prompt.0.content': 'Order status?',
      'gen_ai.prompt.1.role': 'tool',
      'gen_ai.prompt.1.content': '{"status":"shipped"}',
      'gen_ai.prompt.1.tool_call_id': 'call_1',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'It shipped.',
    });
    expect(transcript?.input[1]).toEqual({ role: 'tool', parts: [{ type: 'tool_result', id: 'call_1', name: null, result: '{"status":"shipped"}' }] });
    expect(transcript?.output).toEqual([{ role: 'assistant', parts: [{ type: 'text', text: 'It shipped.' }] }]);
  });

  it('reads the Vercel AI SDK prompt and response', () => {
    const transcript = readChatTranscript({
      'ai.prompt.messages': JSON.stringify([
        { role: 'system', content: 'Plan trips.' },
        { role: 'user', content: [{ type: 'text', text: 'Go to Porto' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'book', input: { to: 'Porto' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', toolName: 'book', output: { type: 'json', value: { ok: true } } }] },
      ]),
      'ai.response.text': 'Booked.',
    });
    expect(transcript).toEqual({
      system: 'Plan trips.',
      input: [
        { role: 'user', parts: [{ type: 'text', text: 'Go to Porto' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 't1', name: 'book', arguments: '{"to":"Porto"}' }] },
        { role: 'tool', parts: [{ type: 'tool_result', id: 't1', name: 'book', result: '{"ok":true}' }] },
      ],
      output: [{ role: 'assistant', parts: [{ type: 'text', text: 'Booked.' }] }],
    });
  });

  it('returns null for a span without messages and never throws on junk', () => {
    expect(readChatTranscript({ 'http.method': 'GET' })).toBeNull();
    expect(() => readChatTranscript({ 'gen_ai.input.messages': '[{"role": 5, "parts": "x"}, null, 3]', 'gen_ai.output.messages': '{not json' })).not.toThrow();
  });
});
