// Page-level behaviour of the policy editor (templates/policies/edit.html), beside the panes:
// - unsaved changes: leaving the page with edits that were not saved asks first (beforeunload);
// - a refused save that came too late (409) offers to load the other version into the editor and back.
import { replaceText } from './yaml-pane.js';

let guarded = false;

/** Asks before the page is left while the form holds text that differs from what it was rendered with. */
export function guardUnsavedChanges() {
  if (guarded) {
    return;
  }
  guarded = true;
  let submitting = false;
  document.addEventListener('submit', (event) => {
    if (event.target?.id === 'editor') {
      submitting = true;
    }
  }, true);
  // an htmx save that is refused re-renders the form (new baseline); one that succeeds navigates away
  document.addEventListener('htmx:afterSwap', () => {
    submitting = false;
  });
  window.addEventListener('beforeunload', (event) => {
    const form = document.getElementById('editor');
    if (submitting || !form) {
      return;
    }
    const yaml = form.querySelector('#policy-yaml');
    const message = form.querySelector('#policy-message');
    // a refused save (data-unsaved) holds text that is not stored either
    const changed = form.dataset.unsaved === 'true' || (yaml && yaml.value !== yaml.defaultValue)
      || (message && message.value !== message.defaultValue);
    if (changed) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
}

/** The conflict banner's "Load their version" / "Back to my text" button. */
export function mountConflict(form, view) {
  const button = form.querySelector('[data-load-theirs]');
  const theirs = form.querySelector('#their-yaml');
  if (!button || !theirs || !view) {
    return;
  }
  let mine = null;
  const status = form.querySelector('#conflict-status');
  button.addEventListener('click', () => {
    if (mine === null) {
      mine = view.state.doc.toString();
      replaceText(view, theirs.value);
      button.textContent = 'Back to my text';
      if (status) {
        status.textContent = 'The editor holds their version now; saving it with your changes merged in replaces it.';
      }
    } else {
      replaceText(view, mine);
      mine = null;
      button.textContent = 'Load their version into the editor';
      if (status) {
        status.textContent = 'The editor holds your text again; saving it replaces their version.';
      }
    }
    view.focus();
  });
}
