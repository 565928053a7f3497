/**
 * Error codes that cross the bridge. Every failure the user can meet has one, so that the UI can
 * show a clear message and tests can assert on the code rather than on wording.
 */
export const ERROR_CODES = [
  'invalid-argument',
  'unknown-channel',
  'not-found',
  'not-permitted',
  'too-large',
  'empty-file',
  'unsupported-file',
  'library-locked',
  'io-error',
  // Saving from the web: the host could not be reached, took too long, answered with an HTTP error,
  // or the user cancelled the job.
  'network-error',
  'timeout',
  'http-error',
  'cancelled',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface OffprintErrorShape {
  code: ErrorCode;
  message: string;
}

/** A failure with a code and a message meant for the user. Thrown by core, turned into a result by the hosts. */
export class OffprintError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OffprintError';
    this.code = code;
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: OffprintErrorShape };

/** Turns anything thrown into the error shape that crosses the bridge; unexpected errors keep no stack. */
export function toErrorShape(error: unknown): OffprintErrorShape {
  if (error instanceof OffprintError) return { code: error.code, message: error.message };
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Something went wrong inside Offprint: ${detail}` };
}
