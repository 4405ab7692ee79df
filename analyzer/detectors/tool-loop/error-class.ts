import { parseJsonLoose } from '../canonical-text.js';

/**
 * The class of an error a call returned, so failures of one tool can be grouped whatever their
 * arguments: the exception line of a traceback (`NameError: name 'x' is not defined`), else the
 * first line of the error text, with numbers, quoted values and ids masked ("Error: flight
 * HAT030 not available on date 2024-05-13" and "… HAT271 … 2024-05-10" are one class). The
 * text of a JSON result is its output/error/message field. Null when there is no error text
 * (a command that exited 1 and printed nothing has no class).
 */
export function errorClass(text: string | null): string | null {
  if (text === null) return null;
  let body = text.length > 20_000 ? text.slice(-20_000) : text;
  const parsed = parseJsonLoose(body);
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const record = parsed as Record<string, unknown>;
    const field = ['error', 'message', 'output', 'detail', 'stderr'].map((key) => record[key]).find((value) => typeof value === 'string' && value.trim() !== '');
    body = typeof field === 'string' ? field : '';
  } else if (typeof parsed === 'string') body = parsed;
  const exception = /^\s*((?:[\w.]+\.)?\w*(?:Error|Exception|Exit|Interrupt)\b[^\n]*)\s*$/gm;
  let line: string | undefined;
  if (/Traceback \(most recent call last\)/.test(body)) {
    for (const match of body.matchAll(exception)) line = match[1];
  }
  line ??= body.split('\n').find((item) => item.trim() !== '');
  if (line === undefined) return null;
  const masked = line
    .toLowerCase()
    .replace(/(["'`]).*?\1/g, '…')
    .replace(/\b[0-9a-f]{8,}\b/g, '<id>')
    .replace(/[a-z]*\d[\w-]*/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
  return masked === '' ? null : masked;
}
