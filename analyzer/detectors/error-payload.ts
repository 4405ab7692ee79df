import { parseJsonLoose } from './canonical-text.js';

/**
 * Recognises a tool result that IS an error report, as opposed to one that merely mentions the
 * word "error". Structural signals only: an error field or a failed status in a JSON payload,
 * or text that starts like an error/exception/HTTP failure, or a Python traceback.
 * Returns the matched fragment (for evidence), or null.
 */
export function matchErrorPayload(result: string | null): string | null {
  if (result === null) return null;
  const text = result.trim();
  if (text === '') return null;
  let parsed = parseJsonLoose(text);
  // A tool that returned JSON text, JSON-encoded again by the SDK (Vercel, Traceloop, LangChain).
  if (typeof parsed === 'string') parsed = parseJsonLoose(parsed) ?? parsed;
  // A Python dict printed with str() ({'error': 'rate limited', 'ok': False}), as Python SDKs record it.
  const inner = typeof parsed === 'string' ? parsed.trim() : parsed === undefined ? text : null;
  if (inner !== null && (inner[0] === '{' || inner[0] === '[')) parsed = parsePythonLiteral(inner) ?? parsed;
  if (parsed !== undefined) {
    if (typeof parsed === 'string') return matchErrorText(parsed);
    return matchErrorJson(parsed, 0);
  }
  return matchErrorText(text);
}

const TRACEBACK = /Traceback \(most recent call last\)/;
const ERROR_START =
  /^(?:\[?(?:error|fatal|exception|failure|failed|err)\]?\s*[:!\-–]|(?:[A-Z][A-Za-z0-9_.]*)?(?:Error|Exception)(?:\s*\(|:)|error\s+\d{3}\b|(?:HTTP\/\d(?:\.\d)?\s+)?[45]\d\d\s+(?:bad request|unauthori[sz]ed|forbidden|not found|method not allowed|conflict|gone|too many requests|internal server error|bad gateway|service unavailable|gateway time-?out)\b|(?:request|call|operation|command|execution|connection)\s+(?:failed|timed out|refused)\b|(?:failed|unable) to\s+\w|could not\s+\w|cannot\s+(?:connect|reach|resolve|find|load|open|read|parse|access|complete|fetch|retrieve|authenticate)\b|permission denied\b|access denied\b|rate limit(?:ed| exceeded)\b|timed out\b|connection refused\b|no such file or directory\b|command not found\b|unauthori[sz]ed\b|forbidden\b|(?:an?|the) (?:unexpected |unknown |internal |fatal )?error (?:has )?(?:occurred|occured|was encountered|happened)\b|(?:an? )?(?:unexpected |internal )?error (?:occurred|while|during|executing|calling|running)\b|something went wrong\b|there was an? (?:error|problem|failure|issue)\b|encountered an? (?:error|exception|problem)\b|http error [45]\d\d\b|[45]\d\d (?:client|server) error\b|(?:tool|function|query|navigation|upload|download|api call)\s+(?:\S+\s+)?(?:execution\s+)?(?:failed|errored|timed out)\b)/i;
/** Exit status reported in a command's output (start or end): "exit code 1", "exited with status 2". */
const EXIT_TEXT = /\b(?:exit(?:ed)?(?: with)? (?:code|status)|return(?:ed)? code|exit_code|exitcode|Unix exit code)\s*[:=]?\s*([1-9]\d{0,2})\b/i;
/**
 * The title of a page a browsing tool returned (`Title: …`, a markdown screenshot link
 * `[…](url)`, `<title>`): an HTTP error or a block page dressed as an ordinary result.
 */
const PAGE_TITLE = /^Title: ([^\n]{1,200})$|screenshot of \[([^\]\n]{1,200})\]\(|<title>([^<]{1,200})<\/title>/im;
const ERROR_PAGE_TITLE =
  /^(?:(?:error|http(?: error)?)\s*)?(?:40\d|429|5\d\d)(?:\s*[-:–]?\s*(?:error|not found|page not found|forbidden|unauthori[sz]ed|bad request|gone|too many requests|internal server error|bad gateway|service unavailable|gateway time-?out))?$|^(?:error\s*)?(?:page|file) not found$|^not found$|^access denied$|^forbidden$|^just a moment|^attention required|^are you a robot|^verify(?:ing)? (?:you are|that you are) (?:a )?human|not a robot|^captcha|^security check|^too many requests$|^service unavailable$|^bad gateway$|^error$/i;
/** Short results that report finding nothing or running without output, instead of a result. */
const EMPTY_RESULT = /^(?:no (?:results|matches|search results|documents|records) (?:were )?found\b|nothing to summari[sz]e\b|the script ran but produced no output\b|0 results\b)/i;
/** Short texts an API puts in `message`/`detail` of an error body (GitHub, FastAPI, …). */
const ERROR_MESSAGE = /^(?:not found|bad credentials|not authenticated|authentication (?:failed|required)|invalid (?:api[ _-]?key|token|credentials|request|argument|parameter|input|json)|bad request|internal server error|service unavailable|too many requests|requires authentication|resource not accessible)\b/i;

function matchErrorText(text: string): string | null {
  const head = text.trim().slice(0, 200);
  const page = text.length > 2000 ? text.slice(0, 2000) : text;
  const title = page.includes('Title: ') || page.includes('screenshot of [') || page.includes('<title>') ? PAGE_TITLE.exec(page) : null;
  const titleText = title === null ? null : (title[1] ?? title[2] ?? title[3] ?? '').trim();
  // The page's own title, before a site suffix ("404 Not Found | Example", "Access Denied - Site").
  const pageTitle = titleText === null ? null : titleText.split(/\s+[|–—-]\s+/)[0]!.trim();
  if (pageTitle !== null && ERROR_PAGE_TITLE.test(pageTitle)) return `page title: ${titleText!.slice(0, 100)}`;
  if (text.length < 400 && EMPTY_RESULT.test(head)) return context(head, 0);
  const traceback = TRACEBACK.exec(text);
  if (traceback !== null) return context(text, traceback.index);
  const start = ERROR_START.exec(head);
  if (start !== null) return context(head, 0);
  const tail = text.length > 200 ? text.slice(-200) : text;
  for (const part of text.length > 200 ? [head, tail] : [head]) {
    const exit = EXIT_TEXT.exec(part);
    if (exit !== null) return context(part, exit.index);
  }
  return null;
}

const ERROR_KEYS = ['error', 'errors', 'err', 'exception', 'error_message', 'errormessage', 'error_code', 'errorcode', 'error_type', 'errortype', 'fault'];
/** A serialised exception: `{name: "FetchError", message}`, `{type: "invalid_request_error", message}`, `{__type: "…Exception"}`. */
const ERROR_TYPE_KEYS = ['name', 'type', '__type', 'kind', 'class', 'exception_type', 'exceptiontype'];
const ERROR_TYPE_VALUE = /^(?:[A-Za-z_$][\w$.]*?)?(?:Error|Exception|Fault)$|^[a-z0-9]+(?:_[a-z0-9]+)*_(?:error|exception)$|^(?:error|exception)$/;
const MESSAGE_KEYS = ['message', 'msg', 'detail', 'details', 'reason', 'stack'];
const STATUS_KEYS = ['status', 'state', 'outcome', 'result'];
const FAILED_WORDS = new Set(['error', 'failed', 'failure', 'fail', 'errored', 'exception', 'fatal', 'aborted', 'timeout', 'timed_out', 'denied', 'unauthorized', 'forbidden', 'not_found']);
const CODE_KEYS = ['status_code', 'statuscode', 'http_status', 'httpstatus', 'status', 'code'];
const EXIT_KEYS = ['exit_code', 'exitcode', 'returncode', 'return_code', 'exit_status'];

function matchErrorJson(value: unknown, depth: number): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || depth > 2) return null;
  const record = value as Record<string, unknown>;
  const lower = new Map(Object.entries(record).map(([key, item]) => [key.toLowerCase(), [key, item] as const]));
  for (const name of ERROR_KEYS) {
    const entry = lower.get(name);
    if (entry === undefined) continue;
    const [key, item] = entry;
    if (item === null || item === false || item === '' || item === 0) continue;
    if (Array.isArray(item) && item.length === 0) continue;
    if (typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 0) continue;
    return `${key}: ${JSON.stringify(item).slice(0, 120)}`;
  }
  // An error body: a short object whose message says what went wrong ({"message":"Bad credentials","documentation_url":…}).
  if (lower.size <= 3) {
    for (const name of ['message', 'detail', 'error_description']) {
      const entry = lower.get(name);
      if (entry !== undefined && typeof entry[1] === 'string' && (ERROR_MESSAGE.test(entry[1].trim()) || ERROR_START.test(entry[1].trim()))) return `${entry[0]}: ${JSON.stringify(entry[1]).slice(0, 120)}`;
    }
  }
  const typeEntry = ERROR_TYPE_KEYS.map((name) => lower.get(name)).find((entry) => entry !== undefined && typeof entry[1] === 'string' && ERROR_TYPE_VALUE.test(entry[1].trim()));
  if (typeEntry !== undefined && MESSAGE_KEYS.some((name) => lower.has(name))) return `${typeEntry[0]}: ${JSON.stringify(typeEntry[1])}`;
  for (const name of ['iserror', 'is_error', 'failed', 'has_error', 'haserror']) {
    const entry = lower.get(name);
    if (entry !== undefined && entry[1] === true) return `${entry[0]}: true`;
  }
  for (const name of ['success', 'ok', 'succeeded']) {
    const entry = lower.get(name);
    if (entry !== undefined && entry[1] === false) return `${entry[0]}: false`;
  }
  for (const name of STATUS_KEYS) {
    const entry = lower.get(name);
    if (entry !== undefined && typeof entry[1] === 'string' && FAILED_WORDS.has(entry[1].trim().toLowerCase().replace(/[\s-]+/g, '_'))) {
      return `${entry[0]}: ${JSON.stringify(entry[1])}`;
    }
  }
  for (const name of CODE_KEYS) {
    const entry = lower.get(name);
    if (entry === undefined) continue;
    const code = typeof entry[1] === 'number' ? entry[1] : typeof entry[1] === 'string' && /^\d{3}$/.test(entry[1]) ? Number(entry[1]) : NaN;
    if (code >= 400 && code <= 599) return `${entry[0]}: ${code}`;
  }
  for (const name of EXIT_KEYS) {
    const entry = lower.get(name);
    if (entry !== undefined && typeof entry[1] === 'number' && entry[1] !== 0) return `${entry[0]}: ${entry[1]}`;
  }
  // Content parts ({"content": [{"type": "text", "text": "Error: …"}]}): the first text part.
  const parts = lower.get('content')?.[1];
  if (Array.isArray(parts)) {
    const first = parts.find((part) => part !== null && typeof part === 'object' && typeof (part as Record<string, unknown>).text === 'string') as Record<string, unknown> | undefined;
    if (first !== undefined) {
      const inner = matchErrorPayload(first.text as string);
      if (inner !== null) return inner;
    }
  }
  // One level of wrapping ({"result": {...}}, {"output": "Error: …"}, MCP content parts).
  for (const name of ['result', 'output', 'outputs', 'response', 'data', 'body', 'content', 'kwargs', 'text', 'return_value']) {
    const entry = lower.get(name);
    if (entry === undefined) continue;
    if (typeof entry[1] === 'string') {
      const inner = matchErrorPayload(entry[1]);
      if (inner !== null) return inner;
    } else {
      const inner = matchErrorJson(entry[1], depth + 1);
      if (inner !== null) return inner;
    }
  }
  return null;
}

/**
 * A Python literal (str() of a dict or list) as JSON, when it is simple enough to convert
 * safely: single-quoted strings without double quotes or escapes inside, True/False/None.
 * Undefined otherwise. Only tried on text that is not JSON and looks like a dict or list.
 */
function parsePythonLiteral(text: string): unknown {
  if (text.length > 20_000 || text.includes('"') || text.includes('\\')) return undefined;
  const json = text.replace(/'([^']*)'|\b(True|False|None)\b/g, (_match, quoted: string | undefined, word: string | undefined) =>
    quoted !== undefined ? JSON.stringify(quoted) : word === 'True' ? 'true' : word === 'False' ? 'false' : 'null',
  );
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

function context(text: string, index: number): string {
  return text.slice(Math.max(0, index - 30), index + 90).replace(/\s+/g, ' ').trim();
}
