import { RUN_FAILING_DETECTOR_IDS, type DetectorId } from '../model/detectors/detector-descriptors.js';

/**
 * A detector id (model/detectors/) as an SQL string literal, for SQLite and ClickHouse alike.
 * Typed, so a query naming a detector that does not exist is a type error; ids are constants of
 * lowercase letters and underscores (anything else throws, never reaching SQL).
 */
export function detectorSql(id: DetectorId): string {
  if (!/^[a-z][a-z0-9_]*$/.test(id)) throw new Error(`not a detector id: ${JSON.stringify(id)}`);
  return `'${id}'`;
}

/**
 * The detectors whose flags mean a run failed although its root is not ERROR (descriptor
 * `failsRun`: silent_failure), as an SQL list for `detector IN …`.
 */
export const RUN_FAILING_DETECTORS_SQL = `(${RUN_FAILING_DETECTOR_IDS.map(detectorSql).join(', ')})`;
