/**
 * The built-in redaction patterns. Every quantifier is bounded, so no pattern backtracks more
 * than a few hundred steps per starting position (values can be a megabyte long); each has a
 * cheap `hint` that must hold before the regular expression runs at all.
 */
export interface RedactionPattern {
  name: string;
  /** Global regular expression; its matches are replaced. */
  regex: RegExp;
  /** Cheap necessary condition; false skips the regex. */
  hint: (text: string) => boolean;
  /**
   * Replacement of one match (the arguments of String.prototype.replace's callback), or the
   * match itself to keep it. Default: the whole match becomes [REDACTED:name].
   */
  replace?: (match: string, ...groups: string[]) => string;
}

export const marker = (name: string) => `[REDACTED:${name}]`;

const includes = (needle: string) => (text: string) => text.includes(needle);
const test = (regex: RegExp) => (text: string) => regex.test(text);

export const BUILTIN_PATTERNS: Record<string, RedactionPattern> = {
  private_key: {
    name: 'private_key',
    regex: /-----BEGIN[A-Z ]{0,40} PRIVATE KEY-----(?:[^"]{0,16384}?-----END[A-Z ]{0,40} PRIVATE KEY-----|[^"]{0,16384})/g,
    hint: includes('PRIVATE KEY-----'),
  },
  jwt: {
    name: 'jwt',
    regex: /\beyJ[A-Za-z0-9_-]{4,4096}\.eyJ[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{8,2048}/g,
    hint: includes('eyJ'),
  },
  bearer: {
    name: 'bearer',
    regex: /\b(bearer\s{1,4})(?!\[REDACTED:)[A-Za-z0-9._~+/=-]{8,4096}/gi,
    hint: test(/bearer/i),
    replace: (_match, prefix) => `${prefix}${marker('bearer')}`,
  },
  anthropic_key: {
    name: 'anthropic_key',
    regex: /\bsk-ant-[A-Za-z0-9_-]{20,512}/g,
    hint: includes('sk-ant-'),
  },
  openai_key: {
    name: 'openai_key',
    regex: /\bsk-[A-Za-z0-9_-]{20,512}/g,
    hint: includes('sk-'),
  },
  aws_key: {
    name: 'aws_key',
    regex: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g,
    hint: test(/A[GKSIRN][IPO]A/),
  },
  github_token: {
    name: 'github_token',
    regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g,
    hint: test(/gh[pousr]_|github_pat_/),
  },
  slack_token: {
    name: 'slack_token',
    regex: /\bxox[abposr]-[A-Za-z0-9-]{10,255}/g,
    hint: includes('xox'),
  },
  google_api_key: {
    name: 'google_api_key',
    regex: /\bAIza[0-9A-Za-z_-]{35}/g,
    hint: includes('AIza'),
  },
  stripe_key: {
    name: 'stripe_key',
    regex: /\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,255}/g,
    hint: test(/k_(?:live|test)_/),
  },
  email: {
    name: 'email',
    regex: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g,
    hint: includes('@'),
  },
  secret_assignment: {
    name: 'secret_assignment',
    regex:
      /\b(password|passwd|pwd|secret|client[_-]?secret|api[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token)(["']?\s{0,3}[:=]\s{0,3}["']?)(?!\[REDACTED:)([^\s"',;&]{4,512})/gi,
    hint: test(/pass|pwd|secret|key|token/i),
    replace: (_match, key, separator) => `${key}${separator}${marker('secret_assignment')}`,
  },
  card: {
    name: 'card',
    regex: /(?<!\d|\d\.)(?:\d[ -]?){12,18}\d(?!\d|\.\d)/g,
    // Dates, years and prices hold four digits in a row but not thirteen: the regex never runs on them.
    hint: (text) => hasCardLikeDigitRun(text) && /\d{4}/.test(text),
    replace: (match) => (isCardNumber(match) ? marker('card') : match),
  },
};

/**
 * A payment card number: 13–19 digits (spaces or dashes allowed between), a known issuer
 * prefix (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay) and a valid Luhn checksum.
 * The prefix check keeps nanosecond timestamps and other long ids from being redacted.
 */
export function isCardNumber(text: string): boolean {
  const digits = text.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  if (!/^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|35|6011|64[4-9]|65|62)/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Order matters: specific token shapes before generic ones, e-mail and card last. */
export const BUILTIN_ORDER = [
  'private_key',
  'jwt',
  'bearer',
  'anthropic_key',
  'openai_key',
  'aws_key',
  'github_token',
  'slack_token',
  'google_api_key',
  'stripe_key',
  'secret_assignment',
  'email',
  'card',
];

/** Thirteen digits, a single space or dash allowed between two: what the card regex needs at least. */
const CARD_LIKE_RUN = /\d(?:[ -]?\d){12}/;

/**
 * Digits in a row, a single space or dash allowed between two of them: the shape the card
 * regex needs (13 to 19 digits). A necessary condition of that regex.
 */
export function hasCardLikeDigitRun(text: string): boolean {
  return CARD_LIKE_RUN.test(text);
}

/**
 * Matches whenever any built-in pattern's hint does (a superset, case-insensitive): strings it
 * does not match skip every built-in pattern after this one scan. Card: a 13-digit run rather
 * than any four digits, so text with dates, years, prices or times no longer goes through the
 * thirteen hints and the card regex (measured: about the same scan cost as `\d{4}`, and 31% of
 * the benchmark's values passed the old prefilter, none pass this one).
 * (A hand-written charCodeAt scan was tried: slower than V8's regular expression engine.)
 */
export const BUILTIN_PREFILTER =
  /@|sk-|bearer|A[GKSIRN][IPO]A|gh[pousr]_|github_pat_|xox|AIza|k_(?:live|test)_|eyJ|PRIVATE KEY-----|pass|pwd|secret|key|token|\d(?:[ -]?\d){12}/i;

/** Whether `text` may hold what a built-in pattern redacts (see BUILTIN_PREFILTER). */
export function mayHoldBuiltinSecret(text: string): boolean {
  return BUILTIN_PREFILTER.test(text);
}
