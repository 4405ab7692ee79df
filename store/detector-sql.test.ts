import { describe, expect, it } from 'vitest';
import type { DetectorId } from '../model/api.js';
import { RUN_FAILING_DETECTORS_SQL, detectorSql } from './detector-sql.js';

describe('detector ids in SQL', () => {
  it('quotes a detector id and lists the run-failing detectors', () => {
    expect(detectorSql('tool_loop')).toBe("'tool_loop'");
    expect(RUN_FAILING_DETECTORS_SQL).toBe("('silent_failure')");
  });

  it('refuses anything that is not an id', () => {
    expect(() => detectorSql("x' OR 1=1 --" as DetectorId)).toThrow(/not a detector id/);
  });
});
