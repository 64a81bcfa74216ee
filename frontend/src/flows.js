// The flow log's table (templates/flows/list.html): live tail over server-sent events with pause and resume,
// columns to show, sorting of the rows on the page, "copy as hubble observe command", hide-noise switches that
// apply at once, and the selected row. No inline script or style (docs/adr/012): everything is wired here.

const COLUMNS = ['time', 'source', 'destination', 'port', 'l7', 'verdict', 'drop', 'decided'];
const STORAGE = 'portcullis.flows.hiddenColumns';

function text(value) {
  return value === undefined || value === null ? '' : String(value);
}

// The table's columns for a flow of the API ({"flow": {...}, "portcullis": {...}}), as FlowSummary makes them.
function summary(item) {
  const flow = item.flow || {};
  const endpoint = (side, ip) => {
    const e = flow[side] || {};
    const labels = e.labels || [];
    let ns = e.namespace;
    if (!ns) {
      const l = labels.find((x) => x.startsWith('k8s:io.kubernetes.pod.namespace='));
      ns = l ? l.substring('k8s:io.kubernetes.pod.namespace='.length) : '';
    }
    if (e.pod_name) {
      return (ns ? ns + '/' : '') + e.pod_name;
    }
    const reserved = labels.find((x) => x.startsWith('reserved:'));
    if (reserved) {
      return reserved + (ip ? ' ' + ip : '');
    }
    const names = flow[side === 'source' ? 'source_names' : 'destination_names'] || [];
    return names[0] || ip || '?';
  };
  const ip = flow.IP || {};
  const l4 = flow.l4 || {};
  const kind = Object.keys(l4)[0] || '';
  const port = l4[kind] && l4[kind].destination_port !== undefined ? String(l4[kind].destination_port) : '';
  let l7 = '';
  const http = flow.l7 && flow.l7.http;
  if (http) {
    let path = text(http.url).replace(/^[a-z]+:\/\/[^/]*/, '').replace(/[?#].*$/, '');
    l7 = `HTTP ${http.method ? http.method + ' ' : ''}${path}${http.code ? ' → ' + http.code : ''}`;
  } else if (flow.l7) {
    l7 = flow.l7.dns ? 'DNS' : flow.l7.kafka ? 'KAFKA' : '';
  }
  const decided = item.portcullis && item.portcullis.decided_by;
  let by = '';
  if (decided) {
    const seen = [];
    (decided.rules || []).forEach((r) => {
      const one = `${r.policy} v${r.version}`;
      if (!seen.includes(one)) {
        seen.push(one);
      }
    });
    // as FlowRowView: the deciding policies, or that none took part (not enforced, a reply)
    by = decided.error ? `— (${decided.error})` : (seen.length ? seen.join(', ') : 'no policy');
  }
  return {
    time: text(item.time),
    source: endpoint('source', ip.source),
    destination: endpoint('destination', ip.destination),
    port: port ? `${port}/${kind}` : kind,
    l7,
    verdict: text(flow.verdict),
    drop: text(flow.drop_reason_desc),
    decided: by,
  };
}

// An endpoint's name with a <wbr> after each '/' and '-', where the table may wrap it (FlowRowView.wrapPoints).
function appendWrappable(td, name) {
  const parts = name.split(/(?<=[/-])(?=.)/);
  parts.forEach((part, i) => {
    td.append(part);
    if (i < parts.length - 1) td.append(document.createElement('wbr'));
  });
}

function verdictClass(verdict) {
  if (['FORWARDED', 'REDIRECTED', 'TRANSLATED', 'TRACED'].includes(verdict)) return 'verdict-forwarded';
  if (['DROPPED', 'ERROR'].includes(verdict)) return 'verdict-dropped';
  if (verdict === 'AUDIT') return 'verdict-audit';
  return 'verdict-other';
}

function row(item, workspace, query) {
  const s = summary(item);
  const tr = document.createElement('tr');
  const token = item.portcullis ? item.portcullis.cursor : '';
  tr.dataset.flow = token;
  tr.className = 'fresh';
  for (const column of COLUMNS) {
    const td = document.createElement('td');
    td.className = `col-${column}`;
    if (column === 'time') {
      td.dataset.value = s.time;
      const a = document.createElement('a');
      const href = `/workspaces/${workspace}/flows/detail?flow=${encodeURIComponent(token)}${query ? '&' + query : ''}`;
      a.href = href;
      a.className = 'flow-link';
      a.setAttribute('hx-get', href);
      a.setAttribute('hx-target', '#detail');
      a.setAttribute('hx-swap', 'innerHTML');
      // the same shape as the page's rows (templates/flows/list.html, FlowRowView.date/clock)
      const time = document.createElement('time');
      time.dateTime = s.time;
      time.title = s.time;
      const t = s.time.indexOf('T');
      const date = document.createElement('span');
      date.className = 'date';
      date.textContent = t < 0 ? s.time : s.time.substring(0, t);
      const clock = document.createElement('span');
      clock.className = 'clock';
      clock.textContent = t < 0 ? '' : s.time.substring(t + 1).replace(/(\.\d{3})\d+/, '$1');
      time.append(date, ' ', clock);
      a.appendChild(time);
      td.appendChild(a);
    } else if (column === 'verdict') {
      const span = document.createElement('span');
      span.className = `verdict ${verdictClass(s.verdict)}`;
      span.textContent = s.verdict;
      td.appendChild(span);
    } else if (column === 'source' || column === 'destination') {
      appendWrappable(td, s[column]);
    } else {
      td.textContent = s[column];
    }
    tr.appendChild(td);
  }
  return tr;
}

function setUpLive() {
  const live = document.getElementById('live');
  const pause = document.getElementById('pause');
  const status = document.getElementById('live-status');
  const rows = document.getElementById('flow-rows');
  if (!live || !rows) {
    return;
  }
  const workspace = location.pathname.split('/')[2];
  const query = new URL(live.dataset.stream, location.href).search.substring(1)
    .split('&').filter((p) => !p.startsWith('follow=')).join('&');
  let source = null;
  let paused = false;
  let waiting = [];
  const add = (items) => {
    for (const item of items) {
      rows.insertBefore(row(item, workspace, query), rows.firstChild);
      window.htmx && window.htmx.process(rows.firstChild);
    }
    const none = document.getElementById('no-flows');
    if (none && items.length) none.hidden = true;
  };
  const stop = () => {
    if (source) source.close();
    source = null;
    live.setAttribute('aria-pressed', 'false');
    live.textContent = 'Live';
    pause.hidden = true;
    add(waiting);
    waiting = [];
    status.textContent = '';
  };
  live.addEventListener('click', () => {
    if (source) {
      stop();
      return;
    }
    source = new EventSource(live.dataset.stream);
    live.setAttribute('aria-pressed', 'true');
    live.textContent = 'Stop';
    pause.hidden = false;
    status.textContent = 'Connecting…';
    source.addEventListener('open', () => { status.textContent = paused ? 'Paused' : 'Live: new flows appear at the top'; });
    source.addEventListener('error', () => { status.textContent = 'Reconnecting…'; });
    source.addEventListener('flow', (event) => {
      const item = JSON.parse(event.data);
      if (paused) {
        waiting.push(item);
        status.textContent = `Paused: ${waiting.length} new`;
      } else {
        add([item]);
      }
    });
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) {
      add(waiting);
      waiting = [];
      status.textContent = 'Live: new flows appear at the top';
    } else {
      status.textContent = 'Paused';
    }
  });
}

function setUpColumns() {
  const table = document.getElementById('flows');
  if (!table) return;
  let hidden = [];
  try {
    hidden = JSON.parse(localStorage.getItem(STORAGE) || '[]');
  } catch (e) {
    hidden = [];
  }
  for (const box of document.querySelectorAll('input[data-column]')) {
    const column = box.dataset.column;
    box.checked = !hidden.includes(column);
    table.classList.toggle(`hide-${column}`, !box.checked);
    box.addEventListener('change', () => {
      table.classList.toggle(`hide-${column}`, !box.checked);
      hidden = COLUMNS.filter((c) => table.classList.contains(`hide-${c}`));
      localStorage.setItem(STORAGE, JSON.stringify(hidden));
    });
  }
}

function setUpSorting() {
  const table = document.getElementById('flows');
  if (!table) return;
  table.addEventListener('click', (event) => {
    const button = event.target.closest('button.sort');
    if (!button) return;
    const column = button.dataset.sort;
    // aria-sort belongs on the column header, not on its button
    const th = button.closest('th');
    const ascending = th.getAttribute('aria-sort') !== 'ascending';
    for (const other of table.querySelectorAll('th[aria-sort]')) other.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    const body = document.getElementById('flow-rows');
    const key = (tr) => {
      const td = tr.querySelector(`.col-${column}`);
      return td ? (td.dataset.value || td.textContent.trim()) : '';
    };
    const sorted = [...body.rows].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const numeric = /^\d+/.test(x) && /^\d+/.test(y) && column === 'port';
      const order = numeric ? parseInt(x, 10) - parseInt(y, 10) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    sorted.forEach((tr) => body.appendChild(tr));
  });
}

function setUpCopy() {
  document.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-copy]');
    if (!button) return;
    const source = document.querySelector(button.dataset.copy);
    const value = source ? source.textContent : '';
    try {
      await navigator.clipboard.writeText(value);
      button.textContent = 'Copied';
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => { button.textContent = 'Copy as hubble observe command'; }, 2000);
  });
}

function setUpFilter() {
  const form = document.getElementById('flow-filter');
  if (!form) return;
  form.addEventListener('change', (event) => {
    if (event.target.matches('[data-autosubmit]')) form.requestSubmit();
  });
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a.flow-link');
    if (!link) return;
    for (const tr of document.querySelectorAll('#flow-rows tr.selected')) tr.classList.remove('selected');
    link.closest('tr').classList.add('selected');
  });
}

// The detail panel opens above the table: bring it into view, and let it be closed.
document.addEventListener('htmx:afterSwap', (event) => {
  if (event.detail.target && event.detail.target.id === 'detail') {
    event.detail.target.scrollIntoView({ block: 'start' });
  }
});
document.addEventListener('click', (event) => {
  if (event.target.closest('[data-close-detail]')) {
    const detail = document.getElementById('detail');
    detail.innerHTML = '';
    for (const tr of document.querySelectorAll('#flow-rows tr.selected')) tr.classList.remove('selected');
  }
});

document.addEventListener('DOMContentLoaded', () => {
  setUpLive();
  setUpColumns();
  setUpSorting();
  setUpCopy();
  setUpFilter();
});
