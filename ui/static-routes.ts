import type { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectorStylesheet } from './detector-styles.js';

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');

const ASSETS: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'agent-views.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/**
 * GET /assets/:file — the web view's own stylesheet (with the detectors' colours appended),
 * script and icon, read once at start-up (no CDN, nothing fetched from elsewhere). Unknown names are 404.
 */
export function registerStaticRoutes(app: Hono): void {
  // The detectors' colours come from their descriptors, after the hand-written rules.
  const read = (name: string) => (name === 'app.css' ? Buffer.concat([readFileSync(join(STATIC_DIR, name)), Buffer.from(`\n${detectorStylesheet()}\n`)]) : readFileSync(join(STATIC_DIR, name)));
  const files = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { body: read(name), type }] as const));
  app.get('/assets/:file', (c) => {
    const file = files.get(c.req.param('file'));
    if (file === undefined) return c.text('Not found', 404);
    return c.body(new Uint8Array(file.body), 200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=300' });
  });
}
