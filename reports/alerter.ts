import type { FlagStore } from '../store/api.js';
import type { Flag, Severity } from '../model/api.js';
import { SEVERITIES } from '../model/api.js';
import type { Logger } from '../ops/logger.js';
import { escapeSlack } from './escape.js';
import { detectorLabel } from './format.js';

/**
 * Immediate alerts for severe flags, de-duplicated by failure signature and rate-limited, so an
 * agent looping in a hot path yields one alert and then a count, not a thousand messages.
 *
 * - The first flag of a signature (at or above `minSeverity`) is sent at once (`type: "first"`).
 * - Further flags with that signature within `dedupWindowMs` of that alert are only counted;
 *   when the window has passed, one `type: "repeat"` alert carries the count (sent by `flush`,
 *   which runs every `flushIntervalMs`, or by the next flag of that signature).
 * - At most `maxPerHour` alerts are sent in any rolling hour; an alert over the limit is held
 *   (its signature keeps counting) and goes out, with its count, once the budget allows, and
 *   every alert says how many others the limit has held back (`rateLimited`).
 * - The state is in memory: a restart may send a signature's first alert again.
 */

export interface AlertPayload {
  kind: 'alert';
  /** first: the signature's first flag in a window; repeat: how often it recurred since. */
  type: 'first' | 'repeat';
  signature: string;
  detector: string;
  severity: Severity;
  service: string;
  agent: string | null;
  /** The latest flag's one-sentence summary (span-derived: untrusted text). */
  summary: string;
  traceId: string;
  flagId: string;
  /** Flags with this signature this alert stands for (1 for a first alert). */
  count: number;
  /** Instants (ISO) of the first and latest flag this alert stands for. */
  firstAt: string;
  lastAt: string;
  /** Alerts of other signatures currently held back by the rate limit. */
  rateLimited: number;
  links: { run: string; flags: string };
  /** A Slack-ready one-line message (also the Slack-compatible `{text}` body). */
  text: string;
}

export interface AlerterOptions {
  /** Where a flag's signature, service and agent are looked up when the flag does not carry them. */
  flags: Pick<FlagStore, 'getFlags'>;
  /** Delivers one alert (e.g. enqueues a webhook); must not throw and must not block. */
  send: (alert: AlertPayload) => void;
  /** Base URL of the web view; a function when it is known only once the server listens. */
  publicUrl: string | (() => string);
  logger: Logger;
  /** Lowest severity alerted. Default critical. */
  minSeverity?: Severity;
  /** A signature alerts at most once per window, in ms; repeats within it are counted. Default 3600000. */
  dedupWindowMs?: number;
  /** Most alerts per rolling hour, all signatures together. Default 20. */
  maxPerHour?: number;
  /** How often repeat counts and held alerts are sent, in ms; 0 disables the timer (tests call flush). Default 60000. */
  flushIntervalMs?: number;
  /** Clock, epoch ms; injected for tests. */
  now?: () => number;
}

export interface Alerter {
  /**
   * Takes the flags just raised (the analyser's `onFlagsRaised`). Batches are handled one after
   * another in call order; resolves once this batch is handled (sent, counted or held). Never
   * rejects: a failed look-up is logged and the batch dropped.
   */
  handleFlags(flags: readonly (Flag & { signature?: string; service?: string; agent?: string | null })[]): Promise<void>;
  /** Sends due repeat counts and held alerts now. */
  flush(): void;
  /** Stops the flush timer; resolves once the batches already handed over are handled. */
  stop(): Promise<void>;
}

interface SignatureState {
  signature: string;
  latest: AlertFlag;
  /** When the last alert for this signature went out; null while held by the rate limit. */
  sentAtMs: number | null;
  /** Flags counted since the last alert (not yet reported). */
  unreported: number;
  firstUnreportedAtMs: number;
  lastAtMs: number;
}

interface AlertFlag {
  id: string;
  traceId: string;
  detector: string;
  severity: Severity;
  summary: string;
  signature: string;
  service: string;
  agent: string | null;
}

const HOUR_MS = 3_600_000;

export function createAlerter(options: AlerterOptions): Alerter {
  const now = options.now ?? Date.now;
  const minRank = SEVERITIES.indexOf(options.minSeverity ?? 'critical');
  const dedupWindowMs = options.dedupWindowMs ?? HOUR_MS;
  const maxPerHour = options.maxPerHour ?? 20;
  const states = new Map<string, SignatureState>();
  const sentAt: number[] = [];
  const flushIntervalMs = options.flushIntervalMs ?? 60_000;
  const timer = flushIntervalMs > 0 ? setInterval(() => flush(), flushIntervalMs) : null;
  timer?.unref();

  function budgetLeft(atMs: number): boolean {
    while (sentAt.length > 0 && sentAt[0]! <= atMs - HOUR_MS) sentAt.shift();
    return sentAt.length < maxPerHour;
  }

  function heldCount(except: string): number {
    let held = 0;
    for (const state of states.values()) if (state.signature !== except && state.sentAtMs === null) held++;
    return held;
  }

  function emit(state: SignatureState, type: 'first' | 'repeat', atMs: number): void {
    const flag = state.latest;
    const base = (typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl).replace(/\/+$/, '');
    const payload: AlertPayload = {
      kind: 'alert',
      type,
      signature: flag.signature,
      detector: flag.detector,
      severity: flag.severity,
      service: flag.service,
      agent: flag.agent,
      summary: flag.summary,
      traceId: flag.traceId,
      flagId: flag.id,
      count: state.unreported,
      firstAt: new Date(state.firstUnreportedAtMs).toISOString(),
      lastAt: new Date(state.lastAtMs).toISOString(),
      rateLimited: heldCount(flag.signature),
      links: { run: `${base}/runs/${flag.traceId}`, flags: `${base}/flags?detector=${encodeURIComponent(flag.detector)}` },
      text: '',
    };
    payload.text = slackText(payload);
    sentAt.push(atMs);
    state.sentAtMs = atMs;
    state.unreported = 0;
    try {
      options.send(payload);
    } catch (error) {
      options.logger.error({ err: error }, 'alert delivery failed to start');
    }
  }

  async function resolve(flags: Parameters<Alerter['handleFlags']>[0]): Promise<AlertFlag[]> {
    const severe = flags.filter((flag) => SEVERITIES.indexOf(flag.severity) >= minRank);
    const missing = severe.filter((flag) => flag.signature === undefined).map((flag) => flag.id);
    const identities = new Map(missing.length === 0 ? [] : (await options.flags.getFlags(missing)).map((entry) => [entry.flag.id, entry]));
    return severe.map((flag) => {
      const identity = identities.get(flag.id);
      return {
        id: flag.id,
        traceId: flag.traceId,
        detector: flag.detector,
        severity: flag.severity,
        summary: flag.summary,
        // Without a stored signature, the detector alone groups (coarser, never noisier).
        signature: flag.signature ?? identity?.signature ?? flag.detector,
        service: flag.service ?? identity?.service ?? '',
        agent: flag.agent !== undefined ? flag.agent : (identity?.agent ?? null),
      };
    });
  }

  function handle(flag: AlertFlag, atMs: number): void {
    let state = states.get(flag.signature);
    if (state && state.sentAtMs !== null && atMs - state.sentAtMs >= dedupWindowMs) {
      // The window has passed: report what it counted, then this flag opens a new one.
      if (state.unreported > 0 && budgetLeft(atMs)) emit(state, 'repeat', atMs);
      if (state.unreported === 0) {
        states.delete(flag.signature);
        state = undefined;
      }
    }
    if (!state) {
      state = { signature: flag.signature, latest: flag, sentAtMs: null, unreported: 1, firstUnreportedAtMs: atMs, lastAtMs: atMs };
      states.set(flag.signature, state);
      if (budgetLeft(atMs)) emit(state, 'first', atMs);
      return;
    }
    if (state.unreported === 0) state.firstUnreportedAtMs = atMs;
    state.unreported++;
    state.lastAtMs = atMs;
    state.latest = flag;
  }

  function flush(): void {
    const atMs = now();
    for (const state of [...states.values()]) {
      if (state.sentAtMs === null) {
        if (budgetLeft(atMs)) emit(state, 'first', atMs);
        continue;
      }
      if (atMs - state.sentAtMs < dedupWindowMs) continue;
      if (state.unreported === 0) states.delete(state.signature);
      else if (budgetLeft(atMs)) emit(state, 'repeat', atMs);
    }
  }

  // Batches are handled in call order, each after the previous one's look-up.
  let handled = Promise.resolve();
  return {
    handleFlags(flags) {
      const atMs = now();
      handled = handled.then(async () => {
        try {
          for (const flag of await resolve(flags)) handle(flag, atMs);
        } catch (error) {
          options.logger.error({ err: error }, 'alerting failed');
        }
      });
      return handled;
    },
    flush,
    async stop() {
      if (timer) clearInterval(timer);
      await handled;
    },
  };
}

function slackText(alert: AlertPayload): string {
  const icon = alert.severity === 'critical' ? ':rotating_light:' : ':warning:';
  const who = [alert.agent === null ? null : `agent ${escapeSlack(alert.agent, 60)}`, alert.service ? `service ${escapeSlack(alert.service, 60)}` : null]
    .filter(Boolean)
    .join(', ');
  const head = `${icon} *${alert.severity} ${detectorLabel(alert.detector).toLowerCase()}*${who ? ` (${who})` : ''}`;
  const body =
    alert.type === 'first'
      ? escapeSlack(alert.summary, 300)
      : `happened ${alert.count} more time${alert.count === 1 ? '' : 's'} between ${alert.firstAt.slice(11, 16)} and ${alert.lastAt.slice(11, 16)} UTC. Latest: ${escapeSlack(alert.summary, 200)}`;
  const held = alert.rateLimited > 0 ? ` (${alert.rateLimited} other alert${alert.rateLimited === 1 ? '' : 's'} held back by the rate limit)` : '';
  return `${head}: ${body} <${alert.links.run}|open run> · <${alert.links.flags}|all flags>${held}`;
}
