// The engine's checks as the user types: 60 ms after the last change the text goes to POST /api/v1/check, one
// request that validates, describes and draws the text from one parse (docs/adr/035); a newer change aborts the
// request in flight, and an answer to an older text is dropped. Its errors and warnings are underlined in the
// editor and listed in line order in #problems, each a button that moves the cursor there. When the text is valid,
// the same answer updates the summary (#policy-summary) and the graph (#policy-graph, an image named "Policy graph"
// whose text alternative is the summary); each is rebuilt only when it differs from what is shown (typing in a
// comment changes neither). Text over the server's limit is not sent: the pane says so. Every update ends with a
// "portcullis:checked" event on the form (used by tests and the benchmark).
import { setDiagnostics } from '@codemirror/lint';

const DEBOUNCE_MS = 60;

/** The list shows and the editor underlines at most this many problems (10,000 documents can have 20,000). */
const MAX_SHOWN = 200;

function csrfHeaders() {
  const token = document.querySelector('meta[name="_csrf"]');
  const header = document.querySelector('meta[name="_csrf_header"]');
  return token && header ? { [header.content]: token.content } : {};
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function plural(n, word) {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

/** Position in the document of a finding's 1-based line and column (0 = unknown), and the end of its token. */
export function range(doc, line, column) {
  if (!line || line < 1) {
    return { from: 0, to: Math.min(doc.length, doc.lines > 0 ? doc.line(1).to : 0) };
  }
  const target = doc.line(Math.min(line, doc.lines));
  if (!column || column < 1) {
    return { from: target.from, to: target.to };
  }
  const from = Math.min(target.from + column - 1, target.to);
  const token = /^[^\s:,[\]{}#]+/.exec(target.text.slice(from - target.from));
  let to = from + (token ? token[0].length : 0);
  if (to === from) {
    to = Math.min(target.to, from + 1);
  }
  return { from: to === from && from > target.from ? from - 1 : from, to };
}

/** The live checks of one editor form. */
export function liveChecks(form) {
  const api = form?.dataset.api ?? '/api/v1';
  const maxChars = Number(form?.dataset.maxChars ?? 3145728);
  const ciliumVersion = form?.dataset.ciliumVersion || undefined;
  const status = document.getElementById('editor-status');
  const problems = document.getElementById('problems');
  const problemsCount = document.getElementById('problems-count');
  const summary = document.getElementById('policy-summary');
  const graph = document.getElementById('policy-graph');
  const panels = document.getElementById('editor-insight');
  let timer = null;
  let controller = null;
  let seq = 0;
  let scheduledAt = 0;
  let view = null;
  // what the summary and the graph show now, to skip rebuilding them when an answer repeats it
  let shownSummary = null;
  let shownSvg = null;

  const say = (text) => {
    if (status) {
      status.textContent = text;
      status.hidden = !text;
    }
  };

  const stale = (isStale) => panels?.classList.toggle('stale', isStale);

  const done = (detail) => {
    form?.dispatchEvent(new CustomEvent('portcullis:checked', { detail }));
  };

  function showProblems(findings) {
    if (!problems) {
      return;
    }
    problems.replaceChildren();
    // a long list keeps its last entry: where the reader stopped (a limit) is said there
    const shown = findings.length > MAX_SHOWN ? [...findings.slice(0, MAX_SHOWN - 1), findings.at(-1)] : findings;
    const more = findings.length - shown.length;
    shown.forEach((finding, index) => {
      if (more > 0 && index === shown.length - 1) {
        problems.append(el('li', 'hint', `… ${plural(more, 'more problem')} …`));
      }
      const item = el('li', `problem problem-${finding.severity}`);
      const where = finding.line > 0
        ? `Line ${finding.line}${finding.column > 0 ? `, column ${finding.column}` : ''}` : 'Whole text';
      const button = el('button', 'link-button');
      button.type = 'button';
      button.append(el('span', 'problem-where', where), ' ',
        el('span', `badge ${finding.severity === 'error' ? 'badge-bad' : 'badge-warn'}`, finding.severity), ' ',
        el('span', 'problem-message', finding.message));
      button.addEventListener('click', () => {
        if (!view) {
          return;
        }
        const { from, to } = range(view.state.doc, finding.line, finding.column);
        view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
        view.focus();
      });
      item.append(button);
      problems.append(item);
    });
    if (problemsCount) {
      const errors = findings.filter((f) => f.severity === 'error').length;
      const warnings = findings.length - errors;
      problemsCount.textContent = findings.length === 0 ? 'No problems.'
        : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}.`;
    }
  }

  function mark(findings) {
    const doc = view.state.doc;
    const marked = findings.length > MAX_SHOWN ? [...findings.slice(0, MAX_SHOWN - 1), findings.at(-1)] : findings;
    const diagnostics = marked.map((finding) => ({
      ...range(doc, finding.line, finding.column),
      severity: finding.severity === 'error' ? 'error' : 'warning',
      message: finding.message,
      source: finding.path || undefined,
    }));
    view.dispatch(setDiagnostics(view.state, diagnostics));
  }

  /** Shows the summaries (as describe answers them); returns the text alternative for the graph. */
  function showSummary(policies) {
    const names = policies.map((policy) => [policy.kind, policy.namespace, policy.name].filter(Boolean).join('/'));
    const sentences = policies.map((policy, index) => `${names[index]}: ${policy.summary.join(' ')}`);
    const key = JSON.stringify(policies);
    if (!summary || key === shownSummary) {
      return sentences.join(' ');
    }
    shownSummary = key;
    summary.replaceChildren();
    policies.forEach((policy, index) => {
      summary.append(el('h3', null, names[index]));
      const list = el('ul');
      for (const sentence of policy.summary) {
        list.append(el('li', null, sentence));
      }
      summary.append(list);
    });
    if (policies.length === 0) {
      summary.append(el('p', 'hint', 'No policy in the text yet.'));
    }
    if (policies.length > 50) {
      summary.replaceChildren(el('p', 'hint', `${policies.length.toLocaleString('en')} policies: `
        + 'the summary lists at most 50; POST /api/v1/describe gives them all.'), ...[...summary.children].slice(0, 100));
    }
    return sentences.join(' ');
  }

  /** Shows the SVG; true when the image changed (and must be decoded before it counts as shown). */
  function showGraph(svg, alt) {
    if (!graph) {
      return false;
    }
    graph.alt = alt || 'No policy in the text yet.';
    graph.hidden = false;
    if (svg === shownSvg) {
      return false;
    }
    shownSvg = svg;
    graph.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    return true;
  }

  function hideGraph() {
    if (graph) {
      graph.hidden = true;
      graph.removeAttribute('src');
    }
    shownSvg = null;
  }

  async function problemText(response) {
    try {
      const problem = await response.json();
      return problem.detail || problem.title || `HTTP ${response.status}`;
    } catch {
      return `HTTP ${response.status}`;
    }
  }

  async function run(text, started) {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const mine = ++seq;
    if (text.trim() === '') {
      say('');
      mark([]);
      showProblems([]);
      summary?.replaceChildren(el('p', 'hint', 'Write or paste a policy, or start from a template.'));
      shownSummary = null;
      hideGraph();
      stale(false);
      done({ seq: mine, text, state: 'empty', ms: performance.now() - started });
      return;
    }
    if (text.length > maxChars) {
      const message = `The text has ${plural(text.length, 'character')}; Portcullis checks and saves at most `
        + `${maxChars.toLocaleString('en')} (3 MiB, what the Kubernetes API server accepts). Live checks are off`
        + ' until the text is shorter.';
      say(message);
      mark([]);
      showProblems([{ line: 0, column: 0, severity: 'error', message, path: '' }]);
      stale(true);
      done({ seq: mine, text, state: 'too-large', ms: performance.now() - started });
      return;
    }
    const body = JSON.stringify(ciliumVersion ? { policies: text, ciliumVersion } : { policies: text });
    try {
      const response = await fetch(`${api}/check`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...csrfHeaders() },
        body,
        signal,
        credentials: 'same-origin',
      });
      if (mine !== seq) {
        return;
      }
      if (response.status === 429) {
        say('The engine is busy; checking again in a moment.');
        timer = setTimeout(() => run(view.state.doc.toString(), started), 1000);
        return;
      }
      if (!response.ok) {
        say(`The text could not be checked: ${await problemText(response)}`);
        stale(true);
        done({ seq: mine, text, state: 'refused', ms: performance.now() - started });
        return;
      }
      const result = await response.json();
      if (mine !== seq) {
        return;
      }
      const findings = [...result.violations, ...result.warnings]
        .sort((a, b) => a.document - b.document || a.line - b.line || a.column - b.column);
      mark(findings);
      showProblems(findings);
      if (!result.valid) {
        say('');
        stale(true);
        done({ seq: mine, text, state: 'invalid', ms: performance.now() - started });
        return;
      }
      const alt = showSummary(result.summaries ?? []);
      // the graph counts as updated once its new picture is decoded, not when its source is set
      if (showGraph(result.graph ?? '', alt)) {
        await graph?.decode?.().catch(() => {});
        if (mine !== seq) {
          return;
        }
      }
      say('');
      stale(false);
      done({ seq: mine, text, state: 'valid', ms: performance.now() - started });
    } catch (error) {
      if (error.name !== 'AbortError') {
        say('Portcullis cannot be reached: the text is not checked. Your text is kept.');
      }
    }
  }

  return {
    attach(editorView) {
      view = editorView;
    },
    /** Checks the text after the debounce (at once with {immediate: true}); a newer call replaces this one. */
    schedule(editorView, text, options = {}) {
      view = editorView;
      if (timer === null) {
        scheduledAt = performance.now();
      }
      clearTimeout(timer);
      const started = scheduledAt;
      timer = setTimeout(() => {
        timer = null;
        run(text, started);
      }, options.immediate ? 0 : DEBOUNCE_MS);
    },
  };
}
