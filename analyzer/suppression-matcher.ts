import type { Suppression, SuppressionScope } from '../store/api.js';

/** A fast matcher over the current suppression rules, rebuilt by the analyser when rules change. */
export interface SuppressionMatcher {
  matches(flag: { detector: string; agent: string | null; tool: string | null; signature: string }): Suppression | null;
}

/** A flag is suppressed by a rule of its detector for its signature, its agent or its tool (in that order). */
export function buildSuppressionMatcher(rules: readonly Suppression[]): SuppressionMatcher {
  const byKey = new Map<string, Suppression>();
  for (const rule of rules) byKey.set(`${rule.detector}\u0000${rule.scope}\u0000${rule.value}`, rule);
  return {
    matches(flag) {
      if (byKey.size === 0) return null;
      const candidates: [SuppressionScope, string | null][] = [
        ['signature', flag.signature],
        ['agent', flag.agent],
        ['tool', flag.tool],
      ];
      for (const [scope, value] of candidates) {
        if (value === null) continue;
        const rule = byKey.get(`${flag.detector}\u0000${scope}\u0000${value}`);
        if (rule !== undefined) return rule;
      }
      return null;
    },
  };
}
