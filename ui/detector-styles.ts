import { DETECTOR_DESCRIPTORS } from '../model/detectors/detector-descriptors.js';
import { cssToken } from './components/badges.js';

/** The class that colours an element by detector (`det-tool_loop`): badges, flag cards, dots, tiles. */
export function detectorClass(detector: string): string {
  return `det-${cssToken(detector)}`;
}

/** The class that fills a chart series or bar in a detector's colour (`fill-tool_loop`). */
export function detectorFillClass(detector: string): string {
  return `fill-${cssToken(detector)}`;
}

/**
 * The web view's detector colours as CSS, one block per descriptor (model/detectors/), served at
 * the end of /assets/app.css: overview tiles, badges, chart fills, flag cards and waterfall dots.
 * The Content-Security-Policy forbids inline styles, so colours travel as classes.
 */
export function detectorStylesheet(): string {
  return DETECTOR_DESCRIPTORS.map(({ id, label, colour }) => {
    const det = `.${detectorClass(id)}`;
    return [
      `/* ${label} */`,
      `.stat-det${det} { border-top-color: ${colour.main}; }`,
      `.badge${det} { color: ${colour.text}; background: ${colour.soft}; border-color: ${colour.border}; }`,
      `.${detectorFillClass(id)} { fill: ${colour.main}; background: ${colour.main}; }`,
      `.flag-card${det} { border-left-color: ${colour.main}; }`,
      `.flag-dot${det} { background: ${colour.main}; }`,
    ].join('\n');
  }).join('\n');
}
