import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';

export type NavSection = 'overview' | 'runs' | 'sessions' | 'flags' | 'latency' | 'reports';

const NAV: { id: NavSection; href: string; label: string }[] = [
  { id: 'overview', href: '/', label: 'Overview' },
  { id: 'runs', href: '/runs', label: 'Runs' },
  { id: 'sessions', href: '/sessions', label: 'Sessions' },
  { id: 'flags', href: '/flags', label: 'Flags' },
  { id: 'latency', href: '/latency', label: 'Latency' },
  { id: 'reports', href: '/reports', label: 'Reports' },
];

/**
 * The page shell. Only our own stylesheet and script are referenced (the Content-Security-Policy
 * allows nothing else); nothing from a span is ever placed in <head> except the escaped title.
 */
export function Layout(props: { title: string; section: NavSection; children?: Child }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="no-referrer" />
          <title>{`${props.title} · tracehound`}</title>
          <link rel="stylesheet" href="/assets/app.css" />
          <link rel="stylesheet" href="/assets/agent-views.css" />
          <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
          <script src="/assets/app.js" defer></script>
        </head>
        <body>
          <header class="topbar">
            <a class="brand" href="/">
              <img src="/assets/favicon.svg" alt="" width="20" height="20" />
              <span>tracehound</span>
            </a>
            <nav class="mainnav" aria-label="Main">
              {NAV.map((item) => (
                <a href={item.href} class={item.id === props.section ? 'active' : undefined} aria-current={item.id === props.section ? 'page' : undefined}>
                  {item.label}
                </a>
              ))}
            </nav>
            <form class="jump" method="get" action="/runs" role="search">
              <input type="search" name="q" placeholder="Search runs, trace id…" aria-label="Search runs" />
            </form>
          </header>
          <main class="page">{props.children}</main>
        </body>
      </html>
    </>
  );
}
