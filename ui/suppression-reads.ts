import { matchingSuppression, NotSupportedError, type FlagStore, type SilencedFlag, type Suppression, type SuppressionStore } from '../store/api.js';

/** Every suppression rule by id (rules are few: one per pattern someone reviewed). */
export async function readRules(store: Pick<SuppressionStore, 'listSuppressions'>): Promise<Map<string, Suppression>> {
  return new Map((await store.listSuppressions()).map((rule) => [rule.id, rule]));
}

/** The flags rules silenced on one run; null where the backend does not record them yet. */
export async function readSilencedFlags(store: Pick<SuppressionStore, 'listSilencedFlags'>, traceId: string): Promise<SilencedFlag[] | null> {
  try {
    return await store.listSilencedFlags(traceId);
  } catch (error) {
    if (error instanceof NotSupportedError) return null;
    throw error;
  }
}


/** For each of these flags, the rule that already matches it (null when none), by flag id. */
export async function readRulesOfFlags(stores: { flags: Pick<FlagStore, 'getFlags'> }, rules: ReadonlyMap<string, Suppression>, flagIds: readonly string[]): Promise<Map<string, Suppression | null>> {
  if (rules.size === 0) return new Map(flagIds.map((id) => [id, null]));
  const entries = await stores.flags.getFlags(flagIds);
  return new Map(entries.map((entry) => [entry.flag.id, matchingSuppression(rules, { ...entry, detector: entry.flag.detector })]));
}
