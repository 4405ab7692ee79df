import { describe, expect, it } from 'vitest';
import { DETECTOR_DESCRIPTORS, DETECTOR_IDS, DETECTOR_OPTIONS_SHAPE, RUN_FAILING_DETECTOR_IDS, detectorLabel, findDetector } from './detector-descriptors.js';

describe('detector descriptors', () => {
  it('keeps the detector ids SPEC.md fixes, in order', () => {
    expect([...DETECTOR_IDS]).toEqual(['silent_failure', 'tool_loop', 'latency_spike']);
  });

  it('gives every detector a unique config key, a label, CSS hex colours and unique rule names', () => {
    expect(new Set(DETECTOR_DESCRIPTORS.map((descriptor) => descriptor.configKey)).size).toBe(DETECTOR_DESCRIPTORS.length);
    for (const descriptor of DETECTOR_DESCRIPTORS) {
      expect(descriptor.label).toMatch(/^[A-Z]/);
      for (const hex of Object.values(descriptor.colour)) expect(hex).toMatch(/^#[0-9a-f]{6}$/);
      expect(new Set(descriptor.rules).size).toBe(descriptor.rules.length);
    }
  });

  it("parses an absent options section to the detector's defaults and refuses unknown keys", () => {
    for (const descriptor of DETECTOR_DESCRIPTORS) {
      expect(descriptor.options.safeParse(undefined).success).toBe(true);
      expect(descriptor.options.safeParse({ noSuchOption: 1 }).success).toBe(false);
    }
    expect(Object.keys(DETECTOR_OPTIONS_SHAPE)).toEqual(['silentFailure', 'toolLoop', 'latencySpike']);
  });

  it('labels known ids by their descriptor and unknown ids by their words', () => {
    expect(detectorLabel('tool_loop')).toBe('Tool loop');
    expect(detectorLabel('cost_blowup')).toBe('cost blowup');
    expect(findDetector('cost_blowup')).toBeUndefined();
    expect(RUN_FAILING_DETECTOR_IDS).toEqual(['silent_failure']);
  });
});
