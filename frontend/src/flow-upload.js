// The flow upload page (/workspaces/{ws}/flows/upload): streams the chosen or dropped file to
// POST /api/v1/workspaces/{ws}/flows with XMLHttpRequest (upload progress events; the browser reads the file from
// disk as it sends it, so its size does not matter), shows the bytes, the rate and an estimate of the flows sent,
// lets the user cancel (the server then keeps nothing), and renders the answer. No inline script or style (CSP).

const section = document.getElementById('flow-upload');

function csrfHeaders() {
  const token = document.querySelector('meta[name="_csrf"]');
  const header = document.querySelector('meta[name="_csrf_header"]');
  return token && header ? { [header.content]: token.content } : {};
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1048576).toFixed(1)} MiB`;
  return `${(n / 1073741824).toFixed(2)} GiB`;
}

const number = new Intl.NumberFormat('en');

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// Average bytes per line of the first MiB (uncompressed files only), for "about n flows sent".
async function bytesPerLine(file) {
  if (/\.gz$/i.test(file.name)) return null;
  const head = new Uint8Array(await file.slice(0, 1024 * 1024).arrayBuffer());
  let lines = 0;
  for (const b of head) if (b === 10) lines++;
  return lines > 0 ? head.length / lines : null;
}

// Flows from another cluster than the workspace's: say so, and offer an administrator (data-cluster-name) to set the
// workspace's cluster name to a name seen, most flows first, in one click: a form per name posting to the settings
// page's route (htmx, so the answer replaces this banner; the hidden _csrf field serves a post without htmx).
// Everyone else gets a link to the settings.
function clusterOffer(cluster) {
  const warn = element('div', 'banner banner-warn cluster-mismatch');
  warn.id = 'cluster-mismatch';
  warn.setAttribute('role', 'alert');
  const seen = Object.entries(cluster.seen).sort(([a, n], [b, m]) => m - n || a.localeCompare(b));
  const names = seen.map(([name, n]) => `${name} (${number.format(n)})`).join(', ');
  warn.append(element('p', null, `${number.format(cluster.flows)} flows come from another cluster than this ` +
    `workspace's "${cluster.workspaceCluster}": ${names}. Cilium scopes selectors to the local cluster, so ` +
    'their verdicts would differ.'));
  const action = section.dataset.clusterName;
  if (!action) {
    const note = element('p', null, 'An administrator can set the workspace\'s cluster name in its ');
    const link = element('a', null, 'agent settings');
    link.href = section.dataset.settings;
    note.append(link, '.');
    warn.append(note);
    return warn;
  }
  const token = document.querySelector('meta[name="_csrf"]');
  const forms = element('div', 'cluster-name-forms');
  for (const [name] of seen) {
    const form = element('form', 'cluster-name-form');
    form.method = 'post';
    form.action = action;
    form.setAttribute('hx-post', action);
    form.setAttribute('hx-target', '#cluster-name-answer');
    form.setAttribute('hx-swap', 'innerHTML');
    const fields = token ? [['_csrf', token.content], ['clusterName', name]] : [['clusterName', name]];
    for (const [field, value] of fields) {
      const input = element('input');
      input.type = 'hidden';
      input.name = field;
      input.value = value;
      form.append(input);
    }
    form.append(element('button', 'button', `Set this workspace's cluster name to ${name}`));
    forms.append(form);
  }
  const answer = element('div', 'cluster-name-answer');
  answer.id = 'cluster-name-answer';
  answer.setAttribute('aria-live', 'polite');
  warn.append(forms, answer);
  return warn;
}

function showResult(target, report, file, seconds) {
  target.replaceChildren();
  const ok = report.rejectedCount === 0;
  const banner = element('div', ok ? 'banner banner-ok' : 'banner banner-warn');
  banner.setAttribute('role', 'status');
  const rate = seconds > 0 ? ` in ${seconds.toFixed(1)} s (${number.format(Math.round(report.accepted / seconds))} flows/s)` : '';
  banner.append(element('p', null, `Kept ${number.format(report.accepted)} flows from ${file.name}${rate}` +
    (report.flows !== report.accepted ? `, standing for ${number.format(report.flows)} flows (aggregated)` : '') + '.'));
  const facts = element('ul', 'upload-facts');
  facts.append(element('li', null, `Rejected lines: ${number.format(report.rejectedCount)}`));
  facts.append(element('li', null, `Ignored (not flows: node status, lost events): ${number.format(report.ignored)}`));
  if (report.lostEvents > 0) {
    facts.append(element('li', null, `Events Hubble reported lost: ${number.format(report.lostEvents)} (kept as gaps)`));
  }
  banner.append(facts);
  if (report.accepted > 0 && section.dataset.flows) {
    const open = element('a', 'flow-log-link', 'Show them in the flow log');
    open.href = section.dataset.flows;
    banner.append(open);
  }
  target.append(banner);
  if (report.cluster) {
    target.append(clusterOffer(report.cluster));
  }
  if (report.rejected.length > 0) {
    const heading = element('h2', null, report.rejectedCount > report.rejected.length
      ? `Rejected lines (the first ${report.rejected.length} of ${number.format(report.rejectedCount)})`
      : 'Rejected lines');
    const list = element('ol', 'rejected-lines');
    for (const r of report.rejected) {
      const item = element('li');
      item.append(element('span', 'line-number', `Line ${number.format(r.line)}`), document.createTextNode(': ' + r.message));
      list.append(item);
    }
    target.append(heading, list);
  }
  target.focus();
  if (window.htmx) window.htmx.process(target);
}

function showError(target, message) {
  target.replaceChildren();
  const banner = element('div', 'banner banner-error', message);
  banner.setAttribute('role', 'alert');
  target.append(banner);
  target.focus();
}

async function upload(file) {
  const progress = document.getElementById('upload-progress');
  const bar = document.getElementById('upload-bar');
  const stats = document.getElementById('upload-stats');
  const cancel = document.getElementById('upload-cancel');
  const result = document.getElementById('upload-result');
  const drop = document.getElementById('drop-zone');
  result.replaceChildren();
  document.getElementById('upload-file').textContent = `${file.name} (${formatBytes(file.size)})`;
  progress.hidden = false;
  drop.classList.add('busy');
  bar.value = 0;
  stats.textContent = 'Starting…';
  const perLine = await bytesPerLine(file);
  const xhr = new XMLHttpRequest();
  const started = performance.now();
  xhr.open('POST', section.dataset.endpoint);
  xhr.setRequestHeader('Content-Type', 'application/x-ndjson');
  xhr.setRequestHeader('Accept', 'application/json');
  if (/\.gz$/i.test(file.name)) xhr.setRequestHeader('Content-Encoding', 'gzip');
  for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
  xhr.upload.addEventListener('progress', (e) => {
    const seconds = (performance.now() - started) / 1000;
    const total = e.lengthComputable ? e.total : file.size;
    bar.value = total > 0 ? Math.min(100, (100 * e.loaded) / total) : 0;
    const rate = seconds > 0 ? e.loaded / seconds : 0;
    const flows = perLine ? ` · about ${number.format(Math.round(e.loaded / perLine))} flows` : '';
    stats.textContent = `${formatBytes(e.loaded)} of ${formatBytes(total)} · ${formatBytes(rate)}/s${flows}`;
  });
  xhr.upload.addEventListener('load', () => {
    stats.textContent += ' · sent; the server is committing…';
  });
  const done = () => {
    progress.hidden = true;
    drop.classList.remove('busy');
    document.getElementById('flow-file').value = '';
  };
  cancel.onclick = () => xhr.abort();
  xhr.addEventListener('abort', () => {
    done();
    showError(result, 'Upload cancelled; nothing from this file was kept.');
  });
  xhr.addEventListener('error', () => {
    done();
    showError(result, 'The upload failed (the connection was lost); nothing from this file was kept.');
  });
  xhr.addEventListener('load', () => {
    done();
    const seconds = (performance.now() - started) / 1000;
    let body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch (e) {
      body = null;
    }
    if (xhr.status === 200 && body) {
      showResult(result, body, file, seconds);
    } else {
      showError(result, (body && body.detail) || `The upload was refused (HTTP ${xhr.status}).`);
    }
  });
  xhr.send(file);
}

// The cluster name was set: its confirmation replaced the offer; keep the focus on it.
document.addEventListener('htmx:afterSettle', () => {
  const done = document.getElementById('cluster-name-set');
  if (done && document.activeElement === document.body) done.focus();
});

if (section) {
  const input = document.getElementById('flow-file');
  const drop = document.getElementById('drop-zone');
  input.addEventListener('change', () => {
    if (input.files.length > 0) upload(input.files[0]);
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files.length > 0 && !drop.classList.contains('busy')) upload(e.dataTransfer.files[0]);
  });
}
