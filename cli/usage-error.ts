/** A bad command line or configuration: main prints the message alone and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
