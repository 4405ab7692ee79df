import type { FlagStore, Suppression, SuppressionScope, SuppressionStore } from '../store/api.js';

/** Why a flag cannot become a suppression rule, with the HTTP status that says so. */
export class SuppressionError extends Error {
  override readonly name = 'SuppressionError';
  constructor(
    message: string,
    readonly status: 404 | 409 | 400,
  ) {
    super(message);
  }
}

/**
 * Turns a flag reviewed as a false positive into a suppression rule for its agent, its tool or
 * its signature: future analyses do not raise flags of that detector matching the rule.
 * Rejects with SuppressionError (404 no flag, 409 not reviewed false_positive, 400 scope without a
 * value, e.g. a flag with no tool). Idempotent: the same rule again resolves the existing one.
 */
export async function suppressFlag(
  stores: { flags: FlagStore; suppressions: SuppressionStore },
  flagId: string,
  scope: SuppressionScope,
  note?: string,
  nowMs: number = Date.now(),
  createdBy: string | null = null,
): Promise<Suppression> {
  const entry = await stores.flags.getFlag(flagId);
  if (entry === null) throw new SuppressionError(`no flag with id ${flagId}`, 404);
  if (entry.flag.review?.verdict !== 'false_positive') {
    throw new SuppressionError('only a flag reviewed as false_positive can become a suppression rule; review it first', 409);
  }
  const value = scope === 'agent' ? entry.agent : scope === 'tool' ? entry.tool : entry.signature;
  if (value === null || value === '') throw new SuppressionError(`this flag has no ${scope} to suppress`, 400);
  return stores.suppressions.addSuppression({ detector: entry.flag.detector, scope, value, note, fromFlagId: flagId, createdBy }, nowMs);
}
