/**
 * Format versions and migrations, one pattern for every file the library keeps (article.json,
 * annotations.json, settings.json). Each file kind declares its current format and a table of
 * migrations keyed by the format they upgrade from; `migrate` walks the table up to the current
 * format. A migrated file is written back in the new format the next time it changes.
 */

export type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

export interface FileFormat {
  /** Used in messages, e.g. 'article.json'. */
  name: string;
  /** The format this Offprint writes. */
  current: number;
  /** Upgrades keyed by the format they start from; each returns the next format's data. */
  migrations: Readonly<Record<number, Migration>>;
}

/**
 * A file in a format this Offprint cannot read: newer than it knows (written by a later version)
 * or older than any migration reaches. Not damage: such a file is left untouched.
 */
export class UnsupportedFormatError extends Error {
  readonly format: unknown;
  readonly newer: boolean;
  constructor(message: string, format: unknown, newer: boolean) {
    super(message);
    this.name = 'UnsupportedFormatError';
    this.format = format;
    this.newer = newer;
  }
}

/**
 * Checks that `raw` is an object with a known `format` and upgrades it to `spec.current`.
 * Throws UnsupportedFormatError for a format it cannot upgrade, Error for anything not an object.
 */
export function migrate(raw: unknown, spec: FileFormat): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('not a JSON object');
  }
  let data = raw as Record<string, unknown>;
  for (;;) {
    const format = data.format;
    if (format === spec.current) return data;
    if (typeof format === 'number' && Number.isInteger(format) && format > spec.current) {
      throw new UnsupportedFormatError(
        `written by a newer Offprint (format ${format})`,
        format,
        true,
      );
    }
    const step = typeof format === 'number' ? spec.migrations[format] : undefined;
    if (step === undefined) {
      throw new UnsupportedFormatError(
        `${spec.name} format ${JSON.stringify(format) ?? 'missing'} is not one this Offprint reads`,
        format,
        false,
      );
    }
    const next = step({ ...data });
    if (typeof next.format !== 'number' || next.format <= (format as number)) {
      // A migration that does not move forward would loop for ever: a programming error.
      throw new Error(`${spec.name} migration from format ${String(format)} did not advance`);
    }
    data = next;
  }
}
