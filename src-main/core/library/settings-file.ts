/**
 * `<root>/settings.json`: library-wide settings (lowdb), `{ format: 1, sort: 'savedAt' }`.
 * Migrated on open like article.json (migrations.ts). A damaged file is quarantined and replaced by
 * the defaults; a file from a newer Offprint is used for nothing and never overwritten.
 */
import { Low } from 'lowdb';
import * as v from 'valibot';
import { OffprintError } from '../../shared/errors';
import { LIBRARY_SORTS, type LibrarySettings } from '../../shared/model';
import { parseWith } from './article-record';
import { AtomicJsonFile, CorruptFileError, toIoError } from './atomic-file';
import type { ProblemDraft } from './health';
import type { LibraryLayout } from './layout';
import { type FileFormat, migrate } from './migrations';
import { quarantineMove } from './quarantine';

export const SETTINGS_FORMAT = 1;

/** settings.json formats; no migrations yet (the table is there for the next shape change). */
export const SETTINGS_FILE: FileFormat = {
  name: 'settings.json',
  current: SETTINGS_FORMAT,
  migrations: {},
};

export const DEFAULT_SETTINGS: LibrarySettings = { sort: 'savedAt' };

// Loose, and each setting falls back to its default: one odd value must not reset all the others,
// and keys a later Offprint adds survive a rewrite by this one.
const settingsSchema = v.looseObject({
  format: v.literal(SETTINGS_FORMAT),
  sort: v.fallback(v.picklist(LIBRARY_SORTS), DEFAULT_SETTINGS.sort),
});

type SettingsData = v.InferOutput<typeof settingsSchema>;

function parseSettings(raw: unknown): SettingsData {
  return parseWith(settingsSchema, migrate(raw, SETTINGS_FILE));
}

/** The settings file of one library; one instance per open library, so one writer. */
export class SettingsFile {
  readonly #db: Low<SettingsData | null>;
  readonly #path: string;
  /** Set when the file was written by a newer Offprint: never overwrite it. */
  #readOnlyReason: string | null = null;

  constructor(layout: LibraryLayout) {
    this.#path = layout.settingsFile;
    this.#db = new Low<SettingsData | null>(
      new AtomicJsonFile<SettingsData | null>(layout.settingsFile, {
        parse: parseSettings,
        indent: 2,
        syncDir: layout.root,
      }),
      null,
    );
  }

  /**
   * Reads settings.json, creating it with the defaults when missing and replacing it (after moving
   * it to quarantine) when damaged. Returns what went wrong, if anything, for the health log.
   */
  async load(layout: LibraryLayout): Promise<ProblemDraft | null> {
    try {
      await this.#db.read();
    } catch (error) {
      if (!(error instanceof CorruptFileError)) {
        throw toIoError('read the library settings', this.#path, error);
      }
      const path = layout.relative(this.#path);
      if (error.unsupportedFormat) {
        this.#readOnlyReason = error.message;
        this.#db.data = { format: SETTINGS_FORMAT, ...DEFAULT_SETTINGS };
        return {
          file: 'settings',
          path,
          articleId: null,
          outcome: 'skipped',
          message: `The library settings were ${error.reason}: the defaults are used and the file is left as it is.`,
          quarantined: null,
        };
      }
      const quarantined = await quarantineMove(layout, this.#path);
      await this.#write({ format: SETTINGS_FORMAT, ...DEFAULT_SETTINGS });
      return {
        file: 'settings',
        path,
        articleId: null,
        outcome: 'reset',
        message: `The library settings could not be read (${error.reason}): they were reset to the defaults.`,
        quarantined,
      };
    }
    if (this.#db.data === null) await this.#write({ format: SETTINGS_FORMAT, ...DEFAULT_SETTINGS });
    else if (this.#db.data.format !== SETTINGS_FORMAT) await this.#write(this.#db.data);
    return null;
  }

  get(): LibrarySettings {
    const data = this.#db.data ?? { format: SETTINGS_FORMAT, ...DEFAULT_SETTINGS };
    return { sort: data.sort };
  }

  /** Applies a checked patch; resolves once settings.json is on disk. */
  async update(patch: Partial<LibrarySettings>): Promise<LibrarySettings> {
    if (this.#readOnlyReason !== null) {
      throw new OffprintError(
        'not-permitted',
        `The settings file was written by a newer Offprint; it is left unchanged (${this.#readOnlyReason}).`,
      );
    }
    const current = this.#db.data ?? { format: SETTINGS_FORMAT, ...DEFAULT_SETTINGS };
    const next: SettingsData = { ...current, format: SETTINGS_FORMAT };
    if (patch.sort !== undefined) next.sort = patch.sort;
    if (next.sort === current.sort) return this.get();
    try {
      await this.#write(next);
    } catch (error) {
      throw toIoError('save the library settings', this.#path, error);
    }
    return this.get();
  }

  async #write(data: SettingsData): Promise<void> {
    // Only replace what is in memory once the file is on disk: a failed write changes nothing.
    const previous = this.#db.data;
    this.#db.data = data;
    try {
      await this.#db.write();
    } catch (error) {
      this.#db.data = previous;
      throw error;
    }
  }
}
