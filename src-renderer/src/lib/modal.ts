/**
 * The behaviour Offprint's <dialog>s share, as an attachment: `{@attach modal(open, onclose)}`.
 */
import type { Attachment } from 'svelte/attachments';

/**
 * Shows the dialog as a modal while `open` is true and closes it when `open` turns false. A click
 * on the backdrop lands on the dialog itself and calls `onclose`, as a click outside would; Escape
 * closes the dialog natively, which fires its own close event.
 */
export function modal(open: boolean, onclose: () => void): Attachment<HTMLDialogElement> {
  return (dialog) => {
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
    const onclick = (event: MouseEvent) => {
      if (event.target === dialog) onclose();
    };
    dialog.addEventListener('click', onclick);
    return () => dialog.removeEventListener('click', onclick);
  };
}
