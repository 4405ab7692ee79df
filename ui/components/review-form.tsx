import type { Flag } from '../../model/api.js';
import type { Suppression } from '../../store/api.js';
import { formatTime } from '../format.js';
import { SuppressionRuleText } from './suppression-rule.js';

/**
 * Review a flag: confirm it or mark it a false positive, with a note. A plain form POST to the
 * web view's own route, which records the verdict and redirects back to `returnTo`. Whatever its
 * review state, a flag can become a suppression rule (the route marks it a false positive first)
 * so the same pattern is not flagged again; when a rule already matches it (`rule`), the form is
 * replaced by a link to that rule.
 */
export function ReviewForm(props: { flag: Flag; returnTo: string; suppressible?: boolean; rule?: Suppression | null }) {
  const { flag } = props;
  return (
    <div class="review-box">
      {flag.review !== null ? (
        <div class="review-done-row">
          <p class="review-done small">
            {`Reviewed ${formatTime(flag.review.at)} UTC as `}
            <b>{flag.review.verdict === 'false_positive' ? 'false positive' : 'confirmed'}</b>
            {flag.review.note !== '' ? <>{' — '}<q>{flag.review.note}</q></> : null}
          </p>
          <form method="post" action={`/flags/${encodeURIComponent(flag.id)}/review/undo`} class="undo-form">
            <input type="hidden" name="returnTo" value={props.returnTo} />
            <button type="submit" class="btn btn-ghost btn-small" title="Take this verdict back: the flag is unreviewed again">
              Undo review
            </button>
          </form>
        </div>
      ) : null}
      <form method="post" action={`/flags/${encodeURIComponent(flag.id)}/review`} class="review-form">
        <input type="hidden" name="returnTo" value={props.returnTo} />
        <input type="text" name="note" maxlength={2000} placeholder="Note (optional)" aria-label="Review note" value={flag.review?.note ?? ''} />
        <button type="submit" name="verdict" value="confirmed" class="btn btn-confirm">
          Confirm
        </button>
        <button type="submit" name="verdict" value="false_positive" class="btn btn-fp">
          False positive
        </button>
      </form>
      {props.rule !== undefined && props.rule !== null ? (
        <p class="suppressed-by small">
          {'Suppressed by rule '}
          <a href={`/suppressions#rule-${props.rule.id}`}>
            <SuppressionRuleText rule={props.rule} />
          </a>
          {`: no new ${props.rule.detector.replace(/_/g, ' ')} flags of this kind are raised.`}
        </p>
      ) : props.suppressible !== false ? (
        <form method="post" action={`/flags/${encodeURIComponent(flag.id)}/suppress`} class="review-form suppress-form">
          <input type="hidden" name="returnTo" value={props.returnTo} />
          <select name="scope" aria-label="Suppress for">
            <option value="signature">this exact pattern</option>
            <option value="tool">this tool</option>
            <option value="agent">this agent</option>
          </select>
          <input type="text" name="reason" maxlength={2000} placeholder="Why this pattern is fine" aria-label="Suppression reason" value={flag.review?.note ?? ''} />
          <button
            type="submit"
            class="btn btn-ghost"
            title={flag.review?.verdict === 'false_positive' ? 'Do not flag this again' : 'Marks this flag a false positive and does not flag it again'}
          >
            Suppress
          </button>
        </form>
      ) : null}
    </div>
  );
}
