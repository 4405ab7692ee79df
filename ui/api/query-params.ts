import { z } from 'zod';
import { parseTimeInput } from '../../model/time.js';

/**
 * Query-string validation shared by the JSON API routes. Each schema turns strings into typed
 * values; a failure becomes a 400 `{ error }` that names the parameter.
 */

/** A time: ISO 8601, epoch milliseconds, or relative (`24h` = 24 hours ago); → epoch ms. */
export const timeParam = z.string().transform((text, ctx) => {
  const ms = parseTimeInput(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time, epoch milliseconds, or a relative time such as 24h' });
    return z.NEVER;
  }
  return ms;
});

export const limitParam = z.coerce.number().int().min(1).max(500);

/** Formats the first issue of a failed parse as `name: what was wrong`. */
export function describeQueryError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid query';
  if (issue.code === 'unrecognized_keys') return `unknown query parameter ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  const name = issue.path.map(String).join('.') || 'query';
  return `${name}: ${issue.message}`;
}

/**
 * Reads a JSON request body and validates it: an empty body reads as `{}`. Returns the data, or
 * the message for a 400 (`body is not valid JSON`, or `name: what was wrong`).
 */
export async function parseJsonBody<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
): Promise<{ data: z.output<Schema> } | { error: string }> {
  const text = await request.text();
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      return { error: 'body is not valid JSON' };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { error: describeQueryError(parsed.error).replace(/^query\b/, 'body') };
  return { data: parsed.data };
}
