/**
 * One process per library. `offprint.lock` is created exclusively and names its owner; a second
 * Offprint (window, CLI, browser host) that finds it refuses to open the library rather than let two
 * writers race on the same files. A lock whose process is gone (a crash) is taken over.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { link, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { OffprintError } from '../../shared/errors';
import { isErrorCode, toIoError } from './atomic-file';

export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  /** Tells two opens by the same pid apart (a restarted process can get its old pid back). */
  nonce: string;
}

export interface LibraryLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** The owner of a stale lock this one replaced: the last session ended without closing. */
  readonly replacedStale: LockOwner | 'unreadable' | null;
  /** Removes the lock file if it is still ours. */
  release(): Promise<void>;
  /** Leaves the file but stops counting it as held by this process, as if this process had died. */
  forget(): void;
}

/** A lock file we cannot parse that is younger than this may be another process mid-create. */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

/** Nonces of the locks this process holds, to judge a lock that carries our own pid. */
const heldByThisProcess = new Set<string>();

/**
 * Creates `lockPath` exclusively, taking over a lock whose owner is dead. Throws OffprintError
 * 'library-locked' when a live process (or another computer) holds it, 'io-error' when the file
 * cannot be created.
 */
export async function acquireLibraryLock(lockPath: string): Promise<LibraryLock> {
  let replacedStale: LibraryLock['replacedStale'] = null;
  // Two rounds: the first may find a stale lock and remove it; the second creates ours.
  for (let round = 0; round < 2; round += 1) {
    const owner: LockOwner = {
      pid: process.pid,
      hostname: hostname(),
      startedAt: new Date().toISOString(),
      nonce: randomUUID(),
    };
    if (await tryCreate(lockPath, owner)) {
      heldByThisProcess.add(owner.nonce);
      // Someone who judged the same stale lock at the same moment may have replaced ours; look again.
      const now = await readOwner(lockPath);
      if (now === 'missing' || now === 'unreadable' || now.nonce !== owner.nonce) {
        heldByThisProcess.delete(owner.nonce);
        throw lockedError(now === 'missing' || now === 'unreadable' ? null : now);
      }
      return {
        path: lockPath,
        owner,
        replacedStale,
        release: () => releaseLock(lockPath, owner),
        forget: () => {
          heldByThisProcess.delete(owner.nonce);
        },
      };
    }
    const existing = await readOwner(lockPath);
    if (existing === 'missing') continue;
    if (existing === 'unreadable') {
      const age = await lockAge(lockPath);
      if (age !== null && age < UNREADABLE_LOCK_GRACE_MS) throw lockedError(null);
      replacedStale = 'unreadable';
    } else {
      if (isAlive(existing)) throw lockedError(existing);
      replacedStale = existing;
    }
    await unlink(lockPath).catch((error: unknown) => {
      if (!isErrorCode(error, 'ENOENT')) throw toIoError('remove a stale lock', lockPath, error);
    });
  }
  throw lockedError(null);
}

let lockTempCounter = 0;

/**
 * Creates the lock file with its content in one step: the owner is written to a temp file that is
 * then hard-linked to the lock name (link fails if the name exists, like an exclusive create). A
 * process killed while taking the lock therefore never leaves an empty or half-written lock, which
 * the next open would have to treat as "someone is opening it right now". File systems without hard
 * links fall back to an exclusive create followed by the write.
 */
async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  const text = `${JSON.stringify(owner, null, 2)}\n`;
  lockTempCounter += 1;
  // Named like atomic-file's temp files, so that a sweep after a crash removes a leftover.
  const tempPath = `${lockPath}.tmp-${process.pid}-${lockTempCounter}`;
  try {
    await writeFile(tempPath, text, { flag: 'wx' });
  } catch (error) {
    throw toIoError('create the library lock', lockPath, error);
  }
  try {
    await link(tempPath, lockPath);
    return true;
  } catch (error) {
    // ENOENT: the holder of the lock swept our temp file while we were linking it.
    if (isErrorCode(error, 'EEXIST', 'ENOENT')) return false;
    if (!isErrorCode(error, 'EPERM', 'ENOTSUP', 'ENOSYS', 'EXDEV')) {
      throw toIoError('create the library lock', lockPath, error);
    }
  } finally {
    await unlink(tempPath).catch(() => undefined);
  }
  return createExclusively(lockPath, text);
}

async function createExclusively(lockPath: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx');
  } catch (error) {
    if (isErrorCode(error, 'EEXIST')) return false;
    throw toIoError('create the library lock', lockPath, error);
  }
  try {
    await handle.writeFile(text);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(lockPath).catch(() => undefined);
    throw toIoError('write the library lock', lockPath, error);
  }
  await handle.close();
  return true;
}

/** The lock's owner, 'missing', or 'unreadable' (empty, truncated or not ours). */
export async function readOwner(lockPath: string): Promise<LockOwner | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return 'missing';
    throw toIoError('read the library lock', lockPath, error);
  }
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null) return 'unreadable';
    const { pid, hostname: host, startedAt, nonce } = raw as Record<string, unknown>;
    // pid 0 or negative would signal a whole process group in isAlive: refuse it here.
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return 'unreadable';
    if (typeof host !== 'string' || typeof startedAt !== 'string' || typeof nonce !== 'string') {
      return 'unreadable';
    }
    return { pid: pid as number, hostname: host, startedAt, nonce };
  } catch {
    return 'unreadable';
  }
}

async function lockAge(lockPath: string): Promise<number | null> {
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Whether the lock's owner may still be running. Another computer's process cannot be checked, so
 * it counts as alive. Our own pid counts as alive only if this process really holds that lock:
 * after a restart the new process can get the crashed one's pid (pid 1 in a container).
 */
function isAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  if (owner.pid === process.pid) return heldByThisProcess.has(owner.nonce);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return !isErrorCode(error, 'ESRCH');
  }
}

function lockedError(owner: LockOwner | null): OffprintError {
  if (owner === null) {
    return new OffprintError(
      'library-locked',
      'This library is being opened by another Offprint process right now. Close it first.',
    );
  }
  if (owner.hostname !== hostname()) {
    return new OffprintError(
      'library-locked',
      `This library is open on another computer (${owner.hostname}, pid ${owner.pid}). Close it ` +
        'there first; if that computer crashed, delete offprint.lock in the library folder.',
    );
  }
  return new OffprintError(
    'library-locked',
    `This library is already open in another Offprint window or process (pid ${owner.pid}). Close it first.`,
  );
}

async function releaseLock(lockPath: string, owner: LockOwner): Promise<void> {
  heldByThisProcess.delete(owner.nonce);
  const current = await readOwner(lockPath).catch(() => 'unreadable' as const);
  // Never delete a lock someone else took over (e.g. after they judged ours stale).
  if (current === 'missing' || current === 'unreadable' || current.nonce !== owner.nonce) return;
  await unlink(lockPath).catch((error: unknown) => {
    if (!isErrorCode(error, 'ENOENT')) throw toIoError('remove the library lock', lockPath, error);
  });
}
