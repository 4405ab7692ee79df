import { Layout, type NavSection } from '../components/layout.js';

/** A plain page for "not found" and "bad request" answers. */
export function MessagePage(props: { title: string; message: string; section: NavSection }) {
  return (
    <Layout title={props.title} section={props.section}>
      <div class="page-head">
        <h1>{props.title}</h1>
      </div>
      <p class="panel">{props.message}</p>
    </Layout>
  );
}
