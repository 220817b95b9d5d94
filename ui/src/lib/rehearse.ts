// A card's first showing, paid before anyone taps. The first result card after the page loaded
// took 45-60 ms longer to show than every later one (BENCHMARKS.md, 2026-12-03): working out its
// style the first time, WebKitGTK looks up a font for each size and weight the card uses, through
// every family of the font list (most of which a machine does not have), and keeps the answer.
// Building the card once, out of sight, and asking for its style makes the engine do that while
// the screen is idle after the grid's first paint.
//
// Nothing of the card runs but its markup: Svelte runs a component's effects and actions (the
// focus trap, the close button taking the focus) only when it flushes, and the card is gone
// again in the same task. Nothing is laid out or painted, and assistive technology is told
// nothing (the stage is hidden and inert).
import { mount, unmount, type Component } from 'svelte';

/** Builds `component` with `props` out of sight, works out the style of everything in it, and
 * takes it away; answers how many elements it styled. */
export function rehearse<Props extends Record<string, unknown>>(component: Component<Props>, props: Props): number {
  const stage = document.createElement('div');
  stage.setAttribute('aria-hidden', 'true');
  stage.inert = true;
  stage.style.cssText = 'position:fixed;left:-10000px;top:0;width:600px;visibility:hidden;pointer-events:none';
  document.body.append(stage);
  const shown = mount(component, { target: stage, props });
  try {
    const elements = stage.querySelectorAll('*');
    const last = elements.item(elements.length - 1);
    // One question brings the whole document's style up to date, the card's fonts with it.
    if (last) void getComputedStyle(last).fontFamily;
    return elements.length;
  } finally {
    void unmount(shown);
    stage.remove();
  }
}
