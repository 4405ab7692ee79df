import type { Detector } from './detector.js';
import { silentFailureDetector } from './detectors/silent-failure.js';
import { toolLoopDetector } from './detectors/tool-loop.js';
import { latencySpikeDetector } from './detectors/latency-spike.js';

/**
 * Every detector, in the order they run (like Jaeger's query adjusters): each is independent,
 * reads the same trace, and one throwing does not stop the others. New detectors get new ids
 * and are appended here.
 */
export const DETECTORS: readonly Detector[] = [silentFailureDetector, toolLoopDetector, latencySpikeDetector];
