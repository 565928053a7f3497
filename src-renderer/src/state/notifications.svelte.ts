/**
 * Toasts: short messages about what just happened. Information fades by itself; errors stay until
 * the user dismisses them, so a failure is never missed because it vanished.
 */

export type ToastKind = 'info' | 'error';

export interface ToastAction {
  label: string;
  run: () => void;
}

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  action: ToastAction | null;
}

export interface NotificationsOptions {
  /** How long an information toast stays, in milliseconds. */
  infoDurationMs?: number;
}

export class NotificationsState {
  #toasts = $state.raw<Toast[]>([]);
  #nextId = 1;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  #timers = new Map<number, ReturnType<typeof setTimeout>>();
  readonly #infoDurationMs: number;

  constructor(options: NotificationsOptions = {}) {
    this.#infoDurationMs = options.infoDurationMs ?? 6000;
  }

  /** Oldest first. */
  get toasts(): readonly Toast[] {
    return this.#toasts;
  }

  /** Shows a message that dismisses itself after a while; returns its id. */
  info(message: string, action: ToastAction | null = null): number {
    const id = this.#add('info', message, action);
    this.#timers.set(
      id,
      setTimeout(() => this.dismiss(id), this.#infoDurationMs),
    );
    return id;
  }

  /** Shows an error that stays until dismissed; returns its id. */
  error(message: string, action: ToastAction | null = null): number {
    return this.#add('error', message, action);
  }

  dismiss(id: number): void {
    const timer = this.#timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(id);
    this.#toasts = this.#toasts.filter((toast) => toast.id !== id);
  }

  /** Runs a toast's action, then dismisses the toast: the action answered it. */
  act(id: number): void {
    const toast = this.#toasts.find((candidate) => candidate.id === id);
    if (!toast?.action) return;
    this.dismiss(id);
    toast.action.run();
  }

  #add(kind: ToastKind, message: string, action: ToastAction | null): number {
    const id = this.#nextId++;
    this.#toasts = [...this.#toasts, { id, kind, message, action }];
    return id;
  }
}
