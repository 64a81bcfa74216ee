// The policy graph, enlarged (templates/policies/edit.html, #graph-dialog). "Enlarge graph" is there while there is
// a graph (until then #graph-empty says when one appears); it opens a modal dialog as large as the window and moves
// the graph's one <img> (#policy-graph) into it, so the picture keeps following the live checks while it is open;
// closing (Esc, Close, a click beside it) moves it back and returns focus to the button. In the dialog the graph is
// zoomed by buttons or keys (+ and - by 25 %, 0 fits it to the dialog, 1 its own size) and scrolled with the arrow
// keys (its frame takes focus). The zoom sets the image's width through the CSSOM (element.style), which the
// Content-Security-Policy's style-src does not govern (docs/adr/043); the SVG is vector art, so every size is sharp.
// Nothing here runs on a keystroke in the editor: only when the graph appears or disappears, or the user zooms.

const STEP = 1.25;
const MIN_ZOOM = 0.1;
const MAX_ZOOM = 8;
/** Fitting never blows a small graph up beyond this: a one-node graph at full window size says nothing more. */
const MAX_FIT = 3;

/** Mounts the enlarge button and the dialog of one editor form; does nothing when the page has neither. */
export function mountGraphView(form) {
  const graph = form?.querySelector('#policy-graph');
  const button = form?.querySelector('#graph-enlarge');
  const dialog = form?.querySelector('#graph-dialog');
  const home = form?.querySelector('#graph-home');
  const body = form?.querySelector('#graph-dialog-body');
  if (!graph || !button || !dialog || !home || !body || typeof dialog.showModal !== 'function') {
    return;
  }
  const level = dialog.querySelector('#graph-zoom-level');
  let zoom = 1;
  let fitted = true;

  const natural = () => ({ width: graph.naturalWidth || graph.width || 1, height: graph.naturalHeight || graph.height || 1 });

  function fitZoom() {
    const { width, height } = natural();
    const room = Math.min((body.clientWidth - 2) / width, (body.clientHeight - 2) / height);
    return Math.max(MIN_ZOOM, Math.min(MAX_FIT, room));
  }

  function apply() {
    const z = fitted ? fitZoom() : zoom;
    zoom = z;
    graph.style.width = `${Math.round(natural().width * z)}px`;
    if (level) {
      level.textContent = `${Math.round(z * 100)}%${fitted ? ' (fit)' : ''}`;
    }
  }

  function set(next) {
    fitted = next === 'fit';
    if (!fitted) {
      zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, next));
    }
    apply();
  }

  const actions = {
    in: () => set(zoom * STEP),
    out: () => set(zoom / STEP),
    fit: () => set('fit'),
    actual: () => set(1),
  };

  // the button is there while there is a graph to show
  const empty = form.querySelector('#graph-empty');
  const sync = () => {
    button.hidden = graph.hidden;
    if (empty) {
      empty.hidden = !graph.hidden;
    }
  };
  new MutationObserver(sync).observe(graph, { attributes: true, attributeFilter: ['hidden'] });
  sync();

  button.addEventListener('click', () => {
    body.append(graph);
    dialog.showModal();
    set('fit');
    body.focus();
  });
  // a newer picture (an answer that arrived after opening) keeps the zoom, or fits again
  graph.addEventListener('load', () => {
    if (dialog.open) {
      apply();
    }
  });
  window.addEventListener('resize', () => {
    if (dialog.open && fitted) {
      apply();
    }
  });
  dialog.addEventListener('close', () => {
    graph.removeAttribute('style');
    home.append(graph);
  });
  dialog.querySelector('[data-graph-close]')?.addEventListener('click', () => dialog.close());
  dialog.querySelectorAll('[data-zoom]').forEach((control) => {
    control.addEventListener('click', () => actions[control.dataset.zoom]());
  });
  dialog.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const action = { '+': 'in', '=': 'in', '-': 'out', _: 'out', 0: 'fit', 1: 'actual' }[event.key];
    if (action) {
      event.preventDefault();
      actions[action]();
    }
  });
  // a click on the backdrop (outside the dialog's box) closes it, as Esc does
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) {
      const box = dialog.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right
        && event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) {
        dialog.close();
      }
    }
  });
}
