import type { z } from 'zod';
import type { DetectorDescriptor } from './detector-descriptor.js';
import { SILENT_FAILURE } from './silent-failure.js';
import { TOOL_LOOP } from './tool-loop.js';
import { LATENCY_SPIKE } from './latency-spike.js';

/**
 * Every detector's descriptor, listed once, in the order the detectors run and are shown. The
 * ids (DETECTOR_IDS in api.ts), the `analyzer:` config sections, labels, colours and evidence
 * types all derive from this list; a new detector is one descriptor file and one entry here
 * (and its logic under analyzer/detectors/).
 */
export const DETECTOR_DESCRIPTORS = [SILENT_FAILURE, TOOL_LOOP, LATENCY_SPIKE] as const;

type Descriptors = typeof DETECTOR_DESCRIPTORS;
export type AnyDetectorDescriptor = Descriptors[number];

/** A detector id, as SPEC.md fixes them. */
export type DetectorId = AnyDetectorDescriptor['id'];

/** The descriptor of detector `Id`. */
export type DescriptorOf<Id extends DetectorId> = Extract<AnyDetectorDescriptor, { id: Id }>;

type EvidenceById = { [D in AnyDetectorDescriptor as D['id']]: D extends DetectorDescriptor<string, string, z.ZodType, infer E> ? E : never };

/** The evidence of detector `Id`'s flags (its descriptor's evidence type). */
export type EvidenceOf<Id extends DetectorId> = EvidenceById[Id];

type IdsOf<T extends readonly { id: string }[]> = { readonly [K in keyof T]: T[K] extends { id: infer Id } ? Id : never };

/** The ids in list order, as a tuple (so `z.enum(DETECTOR_IDS)` types every id). */
export const DETECTOR_IDS = DETECTOR_DESCRIPTORS.map((descriptor) => descriptor.id) as unknown as IdsOf<Descriptors>;

const BY_ID = new Map<string, AnyDetectorDescriptor>(DETECTOR_DESCRIPTORS.map((descriptor) => [descriptor.id, descriptor]));

/** The descriptor of a detector id; undefined for an id this version does not know (a flag stored by another version). */
export function findDetector(id: string): AnyDetectorDescriptor | undefined {
  return BY_ID.get(id);
}

/** Words for a detector id: its label, else the id with spaces for underscores. */
export function detectorLabel(id: string): string {
  return BY_ID.get(id)?.label ?? id.replace(/_/g, ' ');
}

/** The ids of the detectors whose flags mean the run failed although its root is not ERROR. */
export const RUN_FAILING_DETECTOR_IDS: readonly DetectorId[] = DETECTOR_DESCRIPTORS.filter((descriptor) => descriptor.failsRun).map((descriptor) => descriptor.id);

/** The `analyzer:` config sections of all detectors, keyed by their config keys (composed by config/schema.ts). */
export const DETECTOR_OPTIONS_SHAPE = Object.fromEntries(DETECTOR_DESCRIPTORS.map((descriptor) => [descriptor.configKey, descriptor.options])) as {
  [D in AnyDetectorDescriptor as D['configKey']]: D['options'];
};
