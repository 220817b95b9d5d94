// Every dialog keeps the keyboard inside it while it is open and gives the focus back to what
// had it when it closes (WCAG 2.4.3; the issue: Tab after the PIN pad's last key reached the
// page behind). `focus-trap` does the tabbing, the well-kept package for it: each dialog still
// decides what takes the focus first, and handles Escape itself.
import { createFocusTrap } from 'focus-trap';

/** The last element outside every dialog that had the focus: what a dialog gives it back to.
 * Kept as it happens, because by the time a dialog loaded on demand opens, the screen behind
 * it is inert and has already dropped the focus. */
let lastOutside: HTMLElement | null = null;
if (typeof document !== 'undefined') {
  document.addEventListener(
    'focusin',
    (e) => {
      const el = e.target;
      if (el instanceof HTMLElement && !el.closest('[role=dialog]')) lastOutside = el;
    },
    { capture: true },
  );
}

/** A Svelte action: `<div role="dialog" use:trapFocus>`. */
export function trapFocus(node: HTMLElement) {
  const opener = lastOutside;
  const trap = createFocusTrap(node, {
    setReturnFocus: () => (opener?.isConnected ? opener : false),
    initialFocus: false,
    fallbackFocus: node,
    escapeDeactivates: false,
    allowOutsideClick: true,
    returnFocusOnDeactivate: true,
    preventScroll: true,
    // Dialogs come and go with the screen: a trap whose dialog has nothing to focus yet
    // (a view still loading) waits rather than throws.
    tabbableOptions: { displayCheck: 'none' },
  });
  trap.activate();
  return {
    destroy() {
      trap.deactivate();
    },
  };
}
