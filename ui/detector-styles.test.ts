import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DETECTOR_DESCRIPTORS } from '../model/detectors/detector-descriptors.js';
import { detectorStylesheet } from './detector-styles.js';
import { registerStaticRoutes } from './static-routes.js';

describe('detector styles', () => {
  it("colours every detector's badges, cards, dots, tiles and fills from its descriptor", () => {
    const css = detectorStylesheet();
    for (const { id, colour } of DETECTOR_DESCRIPTORS) {
      expect(css).toContain(`.badge.det-${id} { color: ${colour.text}; background: ${colour.soft}; border-color: ${colour.border}; }`);
      for (const rule of [`.stat-det.det-${id} {`, `.flag-card.det-${id} {`, `.flag-dot.det-${id} {`, `.fill-${id} {`]) expect(css).toContain(rule);
    }
  });

  it('serves the generated rules at the end of /assets/app.css', async () => {
    const app = new Hono();
    registerStaticRoutes(app);
    const response = await app.request('/assets/app.css');
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body.endsWith(`${detectorStylesheet()}\n`)).toBe(true);
    expect(body).toContain('.badge {');
  });
});
