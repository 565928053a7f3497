/**
 * `articles/<id>/annotations.json`: an article's highlights and notes, W3C Web Annotation shaped
 * (see Annotation in shared/model.ts). One file per article, rewritten whole on each change (a few
 * kilobytes), so a change costs bytes proportional to the article, not the library. A missing file
 * means no annotations; the count shown in lists is derived from this file.
 */
import { randomUUID } from 'node:crypto';
import { Low } from 'lowdb';
import * as v from 'valibot';
import type { Annotation, AnnotationPatch, NewAnnotation } from '../../shared/model';
import { ANNOTATION_COLORS } from '../../shared/model';
import { MAX_NOTE_LENGTH } from '../../shared/user-state';
import { parseWith } from './article-record';
import { AtomicJsonFile, CorruptFileError } from './atomic-file';
import type { ProblemDraft } from './health';
import type { LibraryLayout } from './layout';
import { type FileFormat, migrate } from './migrations';
import { quarantineCopy, quarantineMove } from './quarantine';

export const ANNOTATIONS_FORMAT = 1;

/** annotations.json formats; no migrations yet (the table is there for the next shape change). */
export const ANNOTATIONS_FILE: FileFormat = {
  name: 'annotations.json',
  current: ANNOTATIONS_FORMAT,
  migrations: {},
};

const timestamp = v.pipe(v.string(), v.isoTimestamp());
const offset = v.pipe(v.number(), v.integer(), v.minValue(0));

/** One stored annotation. Strict about shape, since the renderer turns it into highlights. */
const annotationSchema = v.object({
  id: v.pipe(v.string(), v.uuid()),
  type: v.literal('Annotation'),
  created: timestamp,
  modified: timestamp,
  motivation: v.picklist(['highlighting', 'commenting']),
  body: v.optional(
    v.object({
      type: v.literal('TextualBody'),
      value: v.pipe(v.string(), v.maxLength(MAX_NOTE_LENGTH)),
      format: v.literal('text/plain'),
    }),
  ),
  target: v.object({
    source: v.string(),
    version: v.pipe(v.number(), v.integer(), v.minValue(1)),
    selector: v.tuple([
      v.object({
        type: v.literal('TextQuoteSelector'),
        exact: v.string(),
        prefix: v.string(),
        suffix: v.string(),
      }),
      v.object({ type: v.literal('TextPositionSelector'), start: offset, end: offset }),
    ]),
  }),
  color: v.optional(v.picklist(ANNOTATION_COLORS)),
});

// Compile-time proof that the stored shape is the shared model's Annotation.
const storedIsModel: Annotation = {} as v.InferOutput<typeof annotationSchema>;
void storedIsModel;

const fileSchema = v.looseObject({
  format: v.literal(ANNOTATIONS_FORMAT),
  annotations: v.array(v.unknown()),
});

export interface AnnotationsFileData {
  format: number;
  annotations: Annotation[];
  /** Entries that could not be read and were left out (not written back: see the store). */
  dropped: number;
}

/**
 * Checks (and migrates) a parsed annotations.json. One bad entry does not cost the others: it is
 * counted in `dropped` and left out. Throws when the file as a whole is not an annotations file.
 */
export function parseAnnotationsFile(raw: unknown): AnnotationsFileData {
  const file = parseWith(fileSchema, migrate(raw, ANNOTATIONS_FILE));
  const annotations: Annotation[] = [];
  const ids = new Set<string>();
  let dropped = 0;
  for (const entry of file.annotations) {
    const parsed = v.safeParse(annotationSchema, entry);
    if (!parsed.success || ids.has(parsed.output.id)) {
      dropped += 1;
      continue;
    }
    ids.add(parsed.output.id);
    annotations.push(parsed.output);
  }
  return { format: ANNOTATIONS_FORMAT, annotations, dropped };
}

/** What annotations.json holds on disk. */
export function annotationsFileContent(annotations: Annotation[]): {
  format: number;
  annotations: Annotation[];
} {
  return { format: ANNOTATIONS_FORMAT, annotations };
}

/** A new annotation on article `source`, content version `version`, from already checked input. */
export function createAnnotation(
  source: string,
  version: number,
  input: NewAnnotation,
  now: string,
): Annotation {
  const annotation: Annotation = {
    id: randomUUID(),
    type: 'Annotation',
    created: now,
    modified: now,
    motivation: input.motivation,
    target: {
      source,
      version,
      selector: [
        { type: 'TextQuoteSelector', ...input.quote },
        { type: 'TextPositionSelector', ...input.position },
      ],
    },
  };
  const body = toBody(input.note);
  if (body !== undefined) annotation.body = body;
  if (input.color !== undefined) annotation.color = input.color;
  return annotation;
}

/**
 * Applies an already checked patch. Returns null when it changes nothing; throws an Error (turned
 * into 'invalid-argument' by the store) when the result would be a comment without a note.
 */
export function patchAnnotation(
  annotation: Annotation,
  patch: AnnotationPatch,
  now: string,
): Annotation | null {
  const next: Annotation = { ...annotation };
  if (patch.motivation !== undefined) next.motivation = patch.motivation;
  if (patch.note !== undefined) {
    const body = toBody(patch.note ?? undefined);
    if (body === undefined) delete next.body;
    else next.body = body;
  }
  if (patch.color !== undefined) {
    if (patch.color === null) delete next.color;
    else next.color = patch.color;
  }
  if (next.motivation === 'commenting' && next.body === undefined) {
    throw new Error('A comment needs a note.');
  }
  const same =
    next.motivation === annotation.motivation &&
    next.body?.value === annotation.body?.value &&
    next.color === annotation.color;
  if (same) return null;
  next.modified = now;
  return next;
}

/** A note as a W3C TextualBody; blank notes are no note at all. */
function toBody(note: string | undefined): Annotation['body'] {
  if (note === undefined || note.trim() === '') return undefined;
  return { type: 'TextualBody', value: note, format: 'text/plain' };
}

/** An article's annotations as read from disk, after any repair. */
export interface LoadedAnnotations {
  annotations: Annotation[];
  /** What was wrong with the file, for the health log; null when it was fine (or absent). */
  problem: ProblemDraft | null;
  /**
   * False when the file was written by a newer Offprint: it is left as it is, shown as no
   * annotations, and changes are refused rather than overwrite it.
   */
  writable: boolean;
}

/**
 * Reads `articles/<id>/annotations.json`. A damaged file never costs the article: unreadable
 * entries are dropped (the file is copied to quarantine and rewritten without them), and a file
 * that is not an annotations file at all is moved to quarantine (the article then has none).
 * `name` says which article in messages, e.g. its quoted title.
 */
export async function loadAnnotations(
  layout: LibraryLayout,
  id: string,
  name: string,
): Promise<LoadedAnnotations> {
  const path = layout.annotationsFile(id);
  const file = annotationsDb(layout, id);
  try {
    await file.db.read();
  } catch (error) {
    if (!(error instanceof CorruptFileError)) throw error;
    const reason = error.reason;
    if (error.unsupportedFormat) {
      return {
        annotations: [],
        writable: false,
        problem: {
          file: 'annotations',
          path: layout.relative(path),
          articleId: id,
          outcome: 'skipped',
          message: `The highlights and notes of ${name} were ${reason}: they are left as they are and not shown.`,
          quarantined: null,
        },
      };
    }
    const quarantined = await quarantineMove(layout, path);
    return {
      annotations: [],
      writable: true,
      problem: {
        file: 'annotations',
        path: layout.relative(path),
        articleId: id,
        outcome: 'reset',
        message: `The highlights and notes of ${name} could not be read (${reason}): the file was set aside and the article has none now.`,
        quarantined,
      },
    };
  }
  const data = file.db.data;
  if (data === null) return { annotations: [], problem: null, writable: true };
  const dropped = file.dropped();
  if (dropped === 0) return { annotations: data.annotations, problem: null, writable: true };
  const quarantined = await quarantineCopy(layout, path);
  await saveAnnotations(layout, id, data.annotations);
  const total = data.annotations.length + dropped;
  return {
    annotations: data.annotations,
    writable: true,
    problem: {
      file: 'annotations',
      path: layout.relative(path),
      articleId: id,
      outcome: 'rebuilt',
      message: `${dropped} of the ${total} highlights and notes of ${name} could not be read and were set aside; the others are kept.`,
      quarantined,
    },
  };
}

/** Writes an article's annotations atomically; resolves once the rename is durable. */
export async function saveAnnotations(
  layout: LibraryLayout,
  id: string,
  annotations: Annotation[],
): Promise<void> {
  const { db } = annotationsDb(layout, id);
  db.data = annotationsFileContent(annotations);
  await db.write();
}

type AnnotationsFileContent = ReturnType<typeof annotationsFileContent>;

/** A lowdb for one annotations.json; `dropped()` tells how many entries the last read left out. */
function annotationsDb(
  layout: LibraryLayout,
  id: string,
): { db: Low<AnnotationsFileContent | null>; dropped: () => number } {
  let dropped = 0;
  const db = new Low<AnnotationsFileContent | null>(
    new AtomicJsonFile<AnnotationsFileContent | null>(layout.annotationsFile(id), {
      parse: (raw) => {
        const parsed = parseAnnotationsFile(raw);
        dropped = parsed.dropped;
        return annotationsFileContent(parsed.annotations);
      },
      indent: 2,
      // The rename is what acknowledges the change: make it durable.
      syncDir: layout.articleDir(id),
    }),
    null,
  );
  return { db, dropped: () => dropped };
}
