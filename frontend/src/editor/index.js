// The policy editor page (templates/policies/edit.html). Both panes edit one document: the form's textarea
// #policy-yaml, which is what the form submits. A pane that changes the text sets the textarea's value and
// dispatches a "portcullis:yaml" CustomEvent on it with detail {source: 'yaml' | 'visual'}; each pane listens for
// that event (and "input") and follows changes whose source is not itself.
// The graph can be enlarged in a dialog (graph-view.js).
// A refused save re-renders the form through htmx (409, 413, 422): the panes are mounted again on the new form.
import { mountYamlPane } from './yaml-pane.js';
import { mountVisualPane } from './visual-pane.js';
import { guardUnsavedChanges, mountConflict } from './page.js';
import { mountGraphView } from './graph-view.js';

function start() {
  const textarea = document.getElementById('policy-yaml');
  if (!textarea || textarea.dataset.editorStarted === 'true') {
    return;
  }
  textarea.dataset.editorStarted = 'true';
  const view = mountYamlPane(textarea);
  mountVisualPane(textarea);
  mountConflict(textarea.form, view);
  mountGraphView(textarea.form);
  guardUnsavedChanges();
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
document.addEventListener('htmx:load', start);
