// The policy editor page (templates/policies/edit.html). Both panes edit one document: the form's textarea
// #policy-yaml, which is what the form submits. A pane that changes the text sets the textarea's value and
// dispatches a "portcullis:yaml" CustomEvent on it with detail {source: 'yaml' | 'visual'}; each pane listens for
// that event (and "input") and follows changes whose source is not itself.
import { mountYamlPane } from './yaml-pane.js';
import { mountVisualPane } from './visual-pane.js';

function start() {
  const textarea = document.getElementById('policy-yaml');
  if (!textarea) {
    return;
  }
  mountYamlPane(textarea);
  mountVisualPane(textarea);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
