/**
 * Which stored flags count. A flag a person reviewed as a false positive stays stored (it is their
 * record, shown with its verdict on the run and in the review queue) but no longer counts
 * anywhere a flag is counted: the run's badges (so the runs list's "flagged" and the overview's
 * flagged runs), failed runs (a false silent failure is not a failure), flag totals, worst
 * agents and tools, and the report's recurring signatures.
 */

/** SQL condition, true for a flag that counts; `alias` is the flags table's alias ('' for none). */
export function countedFlag(alias = ''): string {
  return `${alias === '' ? '' : `${alias}.`}review_verdict IS NOT 'false_positive'`;
}
