import { Layout } from '../components/layout.js';
import { runHref } from '../links.js';

/** /runs/<prefix> when several runs' trace ids start with it: each of them, to pick one. */
export function AmbiguousPrefixPage(props: { prefix: string; traceIds: readonly string[]; more: boolean }) {
  return (
    <Layout title="Which run?" section="runs">
      <div class="page-head">
        <h1>Which run?</h1>
      </div>
      <div class="panel">
        <p>
          {`${props.more ? 'More than ' : ''}${props.traceIds.length} runs have a trace id starting with `}
          <span class="mono">{props.prefix}</span>
          {'. Pick one, or use more of the id:'}
        </p>
        <ul class="prefix-matches">
          {props.traceIds.map((traceId) => (
            <li>
              <a class="mono" href={runHref(traceId)}>
                <b>{traceId.slice(0, props.prefix.length)}</b>
                {traceId.slice(props.prefix.length)}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </Layout>
  );
}
