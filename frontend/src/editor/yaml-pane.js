// The YAML pane: CodeMirror 6 in place of the form's textarea (which stays the form field, hidden, kept in sync),
// with completion and hover help from the schemas, and the engine's live checks as you type: problems underlined
// and listed in line order (#problems), the plain-language summary (#policy-summary) and the policy graph
// (#policy-graph). The contract with the other panes is in index.js.
import './csp-styles.js';
import { EditorView, keymap, lineNumbers, highlightActiveLineGutter, highlightSpecialChars, drawSelection,
  dropCursor, rectangularSelection, highlightActiveLine } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { foldGutter, foldKeymap, indentOnInput, syntaxHighlighting, defaultHighlightStyle,
  bracketMatching, indentUnit } from '@codemirror/language';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { schemaCompletion, schemaHover } from './schema-help.js';
import { liveChecks } from './live-checks.js';

const SOURCE = 'yaml';

/**
 * Text typed or inserted over a selection, or holding line breaks, is applied as one transaction instead of by the
 * browser's contenteditable editing: Chrome, merging the selected lines, writes style attributes into the
 * editor's lines, which the Content-Security-Policy blocks (and reports). IME composition keeps its native path.
 */
const replaceSelectionOnInput = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.isComposing || typeof event.data !== 'string'
      || (event.inputType !== 'insertText' && event.inputType !== 'insertReplacementText')) {
      return false;
    }
    // the range the browser is about to replace: the DOM selection, which CodeMirror may not have read yet (a
    // script's select-all): let it read it first, else map the browser's target range
    try {
      view.observer.flush();
    } catch {
      // an internal API: without it the target range below decides
    }
    let { from, to } = view.state.selection.main;
    const target = from === to && event.getTargetRanges ? event.getTargetRanges()[0] : null;
    if (target && !target.collapsed) {
      try {
        from = view.posAtDOM(target.startContainer, target.startOffset);
        to = view.posAtDOM(target.endContainer, target.endOffset);
      } catch {
        ({ from, to } = view.state.selection.main);
      }
    }
    if (from === to && !event.data.includes('\n')) {
      return false;
    }
    event.preventDefault();
    view.dispatch({ changes: { from, to, insert: event.data }, selection: { anchor: from + event.data.length },
      userEvent: 'input.type', scrollIntoView: true });
    return true;
  },
});

/**
 * Mounts the pane on the form's textarea. Returns the EditorView (or null when the page has no place for it).
 */
export function mountYamlPane(textarea) {
  const host = document.getElementById('yaml-editor');
  if (!host || textarea.dataset.yamlPane === 'mounted') {
    return null;
  }
  textarea.dataset.yamlPane = 'mounted';
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const labelId = label ? (label.id || (label.id = `${textarea.id}-label`)) : null;
  const describedBy = ['yaml-keys', textarea.getAttribute('aria-describedby')].filter(Boolean).join(' ');

  let applyingOutside = false;
  const checks = liveChecks(textarea.form);

  const contentAttributes = EditorView.contentAttributes.compute(['doc'], () => {
    const attrs = { 'aria-describedby': describedBy, spellcheck: 'false', autocapitalize: 'off' };
    if (labelId) {
      attrs['aria-labelledby'] = labelId;
    } else {
      attrs['aria-label'] = 'YAML';
    }
    if (textarea.getAttribute('aria-invalid') === 'true') {
      attrs['aria-invalid'] = 'true';
    }
    return attrs;
  });

  const state = EditorState.create({
    doc: textarea.value,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      foldGutter(),
      drawSelection(),
      dropCursor(),
      EditorState.allowMultipleSelections.of(true),
      indentOnInput(),
      indentUnit.of('  '),
      EditorState.tabSize.of(2),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      bracketMatching(),
      rectangularSelection(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      yaml(),
      autocompletion({ override: [schemaCompletion], icons: false }),
      schemaHover,
      lintGutter(),
      keymap.of([...completionKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap,
        ...lintKeymap, indentWithTab]),
      contentAttributes,
      EditorView.lineWrapping,
      replaceSelectionOnInput,
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) {
          return;
        }
        const text = update.state.doc.toString();
        if (!applyingOutside) {
          textarea.value = text;
          textarea.dispatchEvent(new CustomEvent('portcullis:yaml', { detail: { source: SOURCE } }));
        }
        checks.schedule(view, text);
      }),
    ],
  });

  const view = new EditorView({ state });
  const hadFocus = document.activeElement === textarea;
  host.appendChild(view.dom);
  host.hidden = false;
  textarea.hidden = true;
  textarea.required = false;
  textarea.setAttribute('aria-hidden', 'true');
  textarea.tabIndex = -1;
  if (label) {
    label.removeAttribute('for');
    label.addEventListener('click', () => view.focus());
  }
  if (hadFocus) {
    view.focus();
  }

  // another pane changed the document: follow it, replacing only the part that differs (keeps cursor and folds)
  const follow = (event) => {
    if (event.type === 'portcullis:yaml' && event.detail?.source === SOURCE) {
      return;
    }
    const next = textarea.value;
    const current = view.state.doc.toString();
    if (next === current) {
      return;
    }
    let start = 0;
    const max = Math.min(next.length, current.length);
    while (start < max && next.charCodeAt(start) === current.charCodeAt(start)) {
      start++;
    }
    let endCurrent = current.length;
    let endNext = next.length;
    while (endCurrent > start && endNext > start && next.charCodeAt(endNext - 1) === current.charCodeAt(endCurrent - 1)) {
      endCurrent--;
      endNext--;
    }
    applyingOutside = true;
    try {
      view.dispatch({ changes: { from: start, to: endCurrent, insert: next.slice(start, endNext) } });
    } finally {
      applyingOutside = false;
    }
  };
  textarea.addEventListener('portcullis:yaml', follow);
  textarea.addEventListener('input', follow);

  checks.attach(view);
  checks.schedule(view, view.state.doc.toString(), { immediate: true });
  return view;
}

/** Replaces the whole document (a template, the other version of a conflict) as the user's own edit. */
export function replaceText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 },
    scrollIntoView: true });
}

export { setDiagnostics };
