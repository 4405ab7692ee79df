/** A duration string such as `5s` or `24h`, parsed to milliseconds (the detectors' options use it too). */
export { durationSchema as duration } from '../model/duration-schema.js';
