// The visual pane (issue 10): a form over the policy in the editor's textarea #policy-yaml (index.js describes the
// contract between panes). It reads the text into a form model (visual/model.js), and writes each change back by
// patching the parsed YAML document so that comments and formatting elsewhere stay (visual/document.js, ADR 023).
// Text it cannot show in full (not YAML, several documents, unknown fields) makes it read-only until fixed.
import './visual/visual.css';
import { load, update, roundTrip } from './visual/document.js';
import { h, button } from './visual/dom.js';
import { renderDefaultDeny, renderForm } from './visual/view.js';

// the stylesheet esbuild writes next to editor.js (one <link>, added once: CSP style-src 'self' allows it)
const SCRIPT = document.currentScript && document.currentScript.src;

const STARTERS = {
  CiliumNetworkPolicy: `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: my-policy
  namespace: default
spec:
  endpointSelector:
    matchLabels: {}
`,
  CiliumClusterwideNetworkPolicy: `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: my-policy
spec:
  endpointSelector:
    matchLabels: {}
`,
  NetworkPolicy: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: my-policy
  namespace: default
spec:
  podSelector: {}
`,
};

function addStylesheet() {
  if (!SCRIPT || !/editor\.js(\?.*)?$/.test(SCRIPT)) {
    return;
  }
  const href = SCRIPT.replace(/editor\.js(\?.*)?$/, 'editor.css');
  if ([...document.querySelectorAll('link[rel=stylesheet]')].some((l) => l.href === href)) {
    return;
  }
  document.head.append(h('link', { attrs: { rel: 'stylesheet', href } }));
}

class VisualPane {
  constructor(textarea, host) {
    this.textarea = textarea;
    this.host = host;
    this.loaded = null;
    this.timer = 0;
    this.status = h('p', { class: 'vp-state', attrs: { role: 'status', id: 'vp-state' } });
    this.body = h('div', { class: 'vp-body' });
    host.replaceChildren(h('h2', { text: 'Visual editor' }), this.status, this.body);
    host.classList.add('vp');
    this.onEvent = (event) => {
      if (event.type === 'portcullis:yaml' && event.detail && event.detail.source === 'visual') {
        return;
      }
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.follow(), 40);
    };
    textarea.addEventListener('input', this.onEvent);
    textarea.addEventListener('portcullis:yaml', this.onEvent);
    this.follow(true);
  }

  /** Reads the textarea again, unless it holds what this pane wrote last. */
  follow(force) {
    const text = this.textarea.value;
    if (!force && this.loaded && this.loaded.text === text) {
      return;
    }
    const previous = this.loaded;
    this.loaded = load(text);
    // an edit the form does not show (a comment, spacing, quoting): keep the form as it is, bound to the same model,
    // over the new document; rebuilding a large form costs tens of milliseconds per keystroke
    if (!force && sameForm(previous, this.loaded)) {
      this.loaded.model = previous.model;
      this.loaded.kept = previous.kept;
      return;
    }
    // while the YAML is being fixed, the last form that could be read stays visible (disabled)
    if (this.loaded.status === 'invalid' && previous && (previous.model || previous.stale)) {
      this.loaded.stale = previous.model ?? previous.stale;
      this.loaded.staleKept = previous.model ? previous.kept : previous.staleKept;
    }
    this.render();
  }

  /** Writes the model into the textarea and tells the other panes. */
  commit() {
    const text = update(this.loaded);
    this.textarea.value = text;
    this.textarea.dispatchEvent(new CustomEvent('portcullis:yaml', { detail: { source: 'visual' } }));
  }

  render() {
    const focused = document.activeElement && this.host.contains(document.activeElement)
      ? document.activeElement.getAttribute('data-vp') : null;
    const loaded = this.loaded;
    this.host.classList.toggle('vp-readonly', loaded.status === 'invalid');
    if (loaded.status === 'empty') {
      this.status.textContent = 'The YAML is empty: start a policy here, or write or paste YAML.';
      this.body.replaceChildren(h('div', { class: 'vp-actions' }, Object.keys(STARTERS).map((kind) => button(`Start a ${kind}`, () => {
        this.textarea.value = STARTERS[kind];
        this.textarea.dispatchEvent(new CustomEvent('portcullis:yaml', { detail: { source: 'visual' } }));
        this.follow(true);
        this.host.querySelector('[data-vp=name]')?.focus();
      }, { key: `start-${kind}` }))));
      return;
    }
    if (loaded.status === 'invalid') {
      this.status.textContent = `Read-only until the YAML is fixed. ${loaded.message}`;
      const problems = (loaded.problems ?? []).slice(0, 12).map((p) => h('li', {}, h('code', { text: p.path || '(document)' }),
        h('span', { text: ` ${p.message}` })));
      const parts = [];
      if (problems.length) {
        parts.push(h('ul', { class: 'vp-problems', attrs: { 'aria-label': 'What the visual editor cannot show' } }, problems));
      }
      if (loaded.stale) {
        const frozen = h('fieldset', { class: 'vp-frozen', attrs: { disabled: true, 'aria-label': 'Last readable form (read-only)' } },
          renderForm(loaded.stale, { kept: loaded.staleKept ?? [], change() {}, restructure() {} }));
        parts.push(frozen);
      }
      this.body.replaceChildren(...parts);
      return;
    }
    this.status.textContent = `Editing ${loaded.model.kind} ${loaded.model.top.metadata?.name ?? ''}: changes here update the YAML at once.`;
    const ctx = {
      kept: loaded.kept,
      live: [],
      change: (fn) => {
        fn();
        this.commit();
        this.refreshDefaultDeny();
        ctx.live.forEach((refresh) => refresh());
      },
      restructure: (fn) => {
        fn();
        this.commit();
        this.render();
      },
    };
    this.body.replaceChildren(renderForm(loaded.model, ctx));
    if (focused) {
      const again = this.host.querySelector(`[data-vp="${CSS.escape(focused)}"]`);
      if (again) {
        again.focus();
      }
    }
  }

  refreshDefaultDeny() {
    const old = this.host.querySelector('#vp-default-deny');
    if (old) {
      old.replaceWith(renderDefaultDeny(this.loaded.model));
    }
  }
}

/** Whether two readings of the text show the same form: both readable, equal as the model writes them. */
function sameForm(previous, next) {
  return previous?.status === 'ok' && next.status === 'ok'
    && JSON.stringify(previous.value) === JSON.stringify(next.value)
    && JSON.stringify(previous.kept) === JSON.stringify(next.kept);
}

let pane = null;

/**
 * Mounts the visual pane on the editor's textarea, into the page's #visual-pane section. After htmx swaps the
 * editor form (a refused save re-renders it), mounts again on the new textarea.
 */
export function mountVisualPane(textarea) {
  const host = document.getElementById('visual-pane');
  if (!host || !textarea) {
    return textarea;
  }
  addStylesheet();
  pane = new VisualPane(textarea, host);
  if (!mountVisualPane.listening) {
    mountVisualPane.listening = true;
    document.addEventListener('htmx:afterSettle', () => {
      const current = document.getElementById('policy-yaml');
      const currentHost = document.getElementById('visual-pane');
      if (current && currentHost && (!pane || pane.textarea !== current || pane.host !== currentHost)) {
        pane = new VisualPane(current, currentHost);
      }
    });
  }
  return textarea;
}

// For tests and benchmarks (BrowserTest): the model's round trip and the cost of one visual edit.
window.portcullisEditor = window.portcullisEditor || {};
window.portcullisEditor.visual = {
  roundTrip,
  /** Loads text, then times n edits of the first rule's description (model → patched document → text). */
  timeEdits(text, n) {
    const loadStart = performance.now();
    const loaded = load(text);
    const loadMs = performance.now() - loadStart;
    if (loaded.status !== 'ok') {
      return { error: loaded.message };
    }
    const rule = loaded.model.spec ?? loaded.model.specs?.[0];
    const times = [];
    // the first edits also measure the JIT compiling the code: warm up as a user's first keystrokes do
    for (let i = -50; i < n; i++) {
      const start = performance.now();
      if (rule) {
        rule.description = `edit ${i}`;
      } else {
        loaded.model.top.metadata.name = `edit-${i}`;
      }
      update(loaded);
      if (i >= 0) {
        times.push(performance.now() - start);
      }
    }
    times.sort((a, b) => a - b);
    // the same edit through the mounted pane: as typed (text, other panes told, indicator) and then with the whole
    // form rendered again (what adding or removing something costs)
    const paneTimes = [];
    const keyTimes = [];
    if (pane) {
      pane.textarea.value = text;
      pane.follow(true);
      for (let i = -10; i < n; i++) {
        const start = performance.now();
        const paneRule = pane.loaded.model.spec ?? pane.loaded.model.specs?.[0];
        paneRule.description = `pane edit ${i}`;
        pane.commit();
        pane.refreshDefaultDeny();
        if (i >= 0) {
          keyTimes.push(performance.now() - start);
        }
        pane.render();
        if (i >= 0) {
          paneTimes.push(performance.now() - start);
        }
      }
      paneTimes.sort((a, b) => a - b);
      keyTimes.sort((a, b) => a - b);
    }
    return { keyP50: keyTimes[Math.floor(n * 0.5)], keyP95: keyTimes[Math.floor(n * 0.95)], paneP50: paneTimes[Math.floor(n * 0.5)], paneP95: paneTimes[Math.floor(n * 0.95)], loadMs, p50: times[Math.floor(n * 0.5)], p95: times[Math.floor(n * 0.95)], max: times[n - 1], lines: text.split('\n').length };
  },
};
