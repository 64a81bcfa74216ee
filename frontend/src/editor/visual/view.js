// The visual pane's form: renders the form model (model.js) as labelled controls and edits it in place. A typed
// value calls ctx.change() (the YAML follows, the form stays as it is, so focus and caret stay; the functions in
// ctx.live refresh the texts that describe what was typed); adding, removing or switching something calls
// ctx.restructure(), which commits and renders the form again.
import { h, textField, selectField, checkbox, button } from './dom.js';
import {
  ENTITIES, NAMESPACE_KEY, NAMESPACE_LABEL_PREFIX, PROTOCOLS, SECTIONS, defaultDeny, emptySelector, grpcOf, grpcPath,
  peerKinds,
} from './model.js';

const SECTION_TITLES = {
  ingress: 'Ingress allow rules',
  ingressDeny: 'Ingress deny rules',
  egress: 'Egress allow rules',
  egressDeny: 'Egress deny rules',
};

const PEER_TITLES = {
  Endpoints: 'Pods',
  Entities: 'Entities',
  CIDR: 'CIDRs',
  CIDRSet: 'CIDRs with excepts',
  FQDNs: 'DNS names',
  Services: 'Services',
  Nodes: 'Nodes',
  Groups: 'Groups (kept as written)',
  Requires: 'Requires (removed in Cilium 1.19, kept as written)',
};

// What "Add peer" offers: [value, text, peer kind, new item]
const PEER_CHOICES = [
  ['pods', 'Pods in this namespace', 'Endpoints', () => ({ matchLabels: [], matchExpressions: undefined })],
  ['pods-ns', 'Pods in another namespace', 'Endpoints',
    () => ({ matchLabels: [{ key: NAMESPACE_KEY, value: '' }], matchExpressions: undefined })],
  ['namespaces', 'Namespaces by label', 'Endpoints', () => ({ matchLabels: [], matchExpressions: undefined, scope: 'namespace' })],
  ['entities', 'Entities (world, cluster, host…)', 'Entities', () => null],
  ['cidr', 'CIDRs', 'CIDR', () => ''],
  ['cidrset', 'CIDRs with excepts', 'CIDRSet', () => ({ cidr: '', except: undefined })],
  ['fqdns', 'DNS names (FQDN)', 'FQDNs', () => ({ matchName: '' })],
  ['services', 'Services', 'Services', () => ({ k8sService: { serviceName: '', namespace: undefined } })],
  ['nodes', 'Nodes', 'Nodes', () => ({ matchLabels: [], matchExpressions: undefined })],
];

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

const blank = (v) => (v === '' ? undefined : v);
const list = (v) => (v == null ? [] : v);
const csv = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);

/** Renders the whole form for model into a fragment. */
export function renderForm(model, ctx) {
  const root = h('div', { class: 'vp-form' });
  root.append(renderDefaultDeny(model));
  root.append(renderMetadata(model, ctx));
  if (model.kind === 'NetworkPolicy') {
    root.append(renderNetworkPolicy(model.np, ctx));
    return root;
  }
  if (model.spec) {
    root.append(renderRule(model.spec, 'spec', ctx, model));
  }
  list(model.specs).forEach((rule, i) => {
    root.append(renderRule(rule, `specs[${i}]`, ctx, model, () => ctx.restructure(() => model.specs.splice(i, 1))));
  });
  root.append(h('div', { class: 'vp-actions' }, button('Add a rule (specs)', () => ctx.restructure(() => {
    model.specs = [...list(model.specs), { subjectKey: 'endpointSelector', subject: emptySelector() }];
  }), { key: 'add-specs' })));
  return root;
}

/** The default-deny indicator of the selected pods, per direction (#vp-default-deny). */
export function renderDefaultDeny(model) {
  const dd = defaultDeny(model);
  const item = (dir) => h('li', { class: dd[dir].deny ? 'vp-deny' : 'vp-open', attrs: { 'data-vp-direction': dir } },
    h('strong', { text: dir === 'ingress' ? 'Ingress: ' : 'Egress: ' }),
    h('span', { class: 'vp-badge', text: dd[dir].deny ? 'default deny' : 'not default deny' }),
    h('span', { text: dd[dir].deny ? ` — ${dd[dir].why}: traffic no rule allows is dropped.`
      : ` — ${dd[dir].why}: this policy leaves ${dir} open (other policies may still restrict it).` }));
  return h('section', { class: 'vp-status', attrs: { 'aria-label': 'Default deny of the selected pods', id: 'vp-default-deny' } },
    h('ul', {}, item('ingress'), item('egress')));
}

function renderMetadata(model, ctx) {
  const metadata = model.top.metadata ?? (model.top.metadata = {});
  const fields = h('div', { class: 'vp-row' });
  if (model.kind !== 'NetworkPolicy') {
    fields.append(selectField('Kind', [['CiliumNetworkPolicy', 'CiliumNetworkPolicy'],
      ['CiliumClusterwideNetworkPolicy', 'CiliumClusterwideNetworkPolicy']], model.kind, (v) => ctx.restructure(() => {
      model.kind = v;
      model.top.kind = v;
      if (v === 'CiliumClusterwideNetworkPolicy') {
        delete metadata.namespace;
      }
    }), { key: 'kind' }));
  }
  fields.append(textField('Name', metadata.name, (v) => ctx.change(() => {
    metadata.name = v;
  }), { key: 'name' }));
  if (model.kind !== 'CiliumClusterwideNetworkPolicy') {
    fields.append(textField('Namespace', metadata.namespace, (v) => ctx.change(() => {
      if (v === '') {
        delete metadata.namespace;
      } else {
        metadata.namespace = v;
      }
    }), { key: 'namespace' }));
  }
  return h('fieldset', { class: 'vp-box' }, h('legend', { text: `Policy (${model.kind})` }), fields, keptNote(ctx, ''));
}

function keptNote(ctx, prefix) {
  const kept = ctx.kept.filter((p) => (prefix === '' ? !/^specs?[.[]/.test(p) : p.startsWith(prefix)));
  if (!kept.length) {
    return '';
  }
  return h('p', { class: 'vp-kept', text: `Kept as written (edit in YAML): ${kept.map((p) => p.slice(prefix.length).replace(/^\./, '')).join(', ')}` });
}

// ---------------------------------------------------------------- Cilium rules

function renderRule(rule, path, ctx, model, remove) {
  const box = h('fieldset', { class: 'vp-box vp-rule', attrs: { 'data-vp-rule': path } },
    h('legend', { text: path === 'spec' ? 'Rule (spec)' : `Rule (${path})` }));
  if (remove) {
    box.append(button('Remove this rule', remove, { label: `Remove rule ${path}`, kind: 'danger' }));
  }
  box.append(textField('Description', rule.description, (v) => ctx.change(() => {
    rule.description = blank(v);
  }), { key: `${path}.description`, wide: true, mono: false }));
  const subject = h('fieldset', { class: 'vp-sub' }, h('legend', { text: 'Subject: the pods (or nodes) this rule applies to' }));
  if (model.kind === 'CiliumClusterwideNetworkPolicy' || rule.subjectKey === 'nodeSelector') {
    subject.append(selectField('Applies to', [['endpointSelector', 'Pods (endpointSelector)'],
      ['nodeSelector', 'Nodes: host firewall (nodeSelector)']], rule.subjectKey, (v) => ctx.restructure(() => {
      rule.subjectKey = v;
    }), { key: `${path}.subjectKey` }));
  }
  if (!rule.subject) {
    rule.subject = emptySelector();
  }
  subject.append(renderSelector(rule.subject, `${path}.${rule.subjectKey}`, ctx, { namespace: false }));
  box.append(subject);
  for (const section of SECTIONS) {
    box.append(renderSection(rule, section, path, ctx));
  }
  box.append(renderEnableDefaultDeny(rule, path, ctx));
  box.append(keptNote(ctx, path));
  return box;
}

function renderEnableDefaultDeny(rule, path, ctx) {
  const row = h('div', { class: 'vp-row' });
  for (const dir of ['ingress', 'egress']) {
    const value = rule.enableDefaultDeny?.[dir];
    row.append(selectField(`enableDefaultDeny.${dir}`, [['', 'not set (on when the rule has entries)'], ['true', 'true'],
      ['false', 'false: rules only add, nothing else is denied']], value === undefined ? '' : String(value),
    (v) => ctx.restructure(() => {
      const edd = rule.enableDefaultDeny ?? {};
      edd[dir] = v === '' ? undefined : v === 'true';
      rule.enableDefaultDeny = edd.ingress === undefined && edd.egress === undefined ? undefined : edd;
    }), { key: `${path}.enableDefaultDeny.${dir}` }));
  }
  return h('fieldset', { class: 'vp-sub' }, h('legend', { text: 'Default deny' }), row);
}

function renderSection(rule, section, path, ctx) {
  const items = rule[section];
  const title = SECTION_TITLES[section];
  const box = h('section', { class: `vp-section${section.endsWith('Deny') ? ' vp-section-deny' : ''}`,
    attrs: { 'data-vp-section': section, 'aria-label': `${title} (${path})` } }, h('h3', { text: `${title} (${section})` }));
  if (items === null || (items && items.length === 0)) {
    box.append(h('p', { class: 'vp-hint', text: `${section} is written empty: it has no entries.` }));
  }
  list(items).forEach((item, i) => {
    box.append(renderPeerRule(item, section, `${path}.${section}[${i}]`, ctx, () => ctx.restructure(() => {
      items.splice(i, 1);
      if (items.length === 0) {
        rule[section] = undefined;
      }
    })));
  });
  box.append(h('div', { class: 'vp-actions' }, button(`Add ${section} rule`, () => ctx.restructure(() => {
    rule[section] = [...list(items), { peers: [], toPorts: undefined }];
  }), { key: `${path}.${section}.add` })));
  return box;
}

function renderPeerRule(item, section, path, ctx, remove) {
  const deny = section.endsWith('Deny');
  const heading = h('h4', { text: describeItem(item, section) });
  ctx.live?.push(() => {
    heading.textContent = describeItem(item, section);
  });
  const card = h('div', { class: 'vp-card', attrs: { 'data-vp-item': path } },
    h('div', { class: 'vp-card-head' }, heading, button('Remove', remove, { label: `Remove ${path}`, kind: 'danger' })));
  // peers
  const peers = h('div', { class: 'vp-peers' });
  if (!item.peers.length) {
    peers.append(h('p', { class: 'vp-hint', text: section.startsWith('ingress') ? 'From: any peer (no peer set).'
      : 'To: any peer (no peer set).' }));
  }
  item.peers.forEach((peer, k) => {
    peers.append(renderPeerGroup(peer, section, `${path}.${peer.kind}`, ctx, () => ctx.restructure(() => item.peers.splice(k, 1))));
  });
  const choices = PEER_CHOICES.filter(([, , kind]) => peerKinds(section).includes(kind) && !(deny && kind === 'FQDNs'));
  const chooser = selectField(section.startsWith('ingress') ? 'Add a peer (from)' : 'Add a peer (to)',
    choices.map(([v, t]) => [v, t]), choices[0][0], () => {}, { key: `${path}.peer-choice` });
  peers.append(h('div', { class: 'vp-row vp-add' }, chooser, button('Add peer', () => ctx.restructure(() => {
    const value = chooser.querySelector('select').value;
    const [, , kind, make] = PEER_CHOICES.find(([v]) => v === value);
    let group = item.peers.find((p) => p.kind === kind);
    if (!group) {
      group = { kind, items: [] };
      item.peers.push(group);
    }
    group.items = list(group.items);
    if (kind !== 'Entities') {
      group.items.push(make());
    }
  }), { key: `${path}.peer-add`, label: `Add peer to ${path}` })));
  card.append(peers);
  // ports
  const ports = h('div', { class: 'vp-ports' });
  list(item.toPorts).forEach((pr, k) => {
    ports.append(renderPortRule(pr, `${path}.toPorts[${k}]`, ctx, deny, () => ctx.restructure(() => {
      item.toPorts.splice(k, 1);
      if (!item.toPorts.length) {
        item.toPorts = undefined;
      }
    })));
  });
  if (!item.toPorts?.length) {
    ports.append(h('p', { class: 'vp-hint', text: 'Ports: all ports and protocols.' }));
  }
  ports.append(h('div', { class: 'vp-actions' }, button('Add ports', () => ctx.restructure(() => {
    item.toPorts = [...list(item.toPorts), { ports: [{ port: '', protocol: 'TCP' }], extra: {} }];
  }), { key: `${path}.ports-add`, label: `Add ports to ${path}` })));
  card.append(ports);
  card.append(keptNote(ctx, path));
  return card;
}

function describeItem(item, section) {
  const dir = section.startsWith('ingress') ? 'from' : 'to';
  const what = section.endsWith('Deny') ? 'Deny' : 'Allow';
  const peers = item.peers.length ? item.peers.map((p) => PEER_TITLES[p.kind].toLowerCase()).join(', ') : 'any peer';
  const ports = item.toPorts?.length ? item.toPorts.flatMap((pr) => list(pr.ports).map((p) => `${p.protocol ?? 'ANY'} ${p.port ?? ''}${p.endPort ? `-${p.endPort}` : ''}`.trim())).join(', ') : 'all ports';
  return `${what} ${dir} ${peers} on ${ports || 'all ports'}`;
}

function renderPeerGroup(peer, section, path, ctx, remove) {
  const box = h('fieldset', { class: 'vp-sub vp-peer', attrs: { 'data-vp-peer': peer.kind } },
    h('legend', { text: `${PEER_TITLES[peer.kind]} (${section.startsWith('ingress') ? 'from' : 'to'}${peer.kind})` }),
    button(`Remove ${PEER_TITLES[peer.kind].toLowerCase()}`, remove, { label: `Remove ${peer.kind} of ${path}`, kind: 'danger' }));
  const items = list(peer.items);
  const removeItem = (i) => () => ctx.restructure(() => {
    items.splice(i, 1);
    peer.items = items;
  });
  switch (peer.kind) {
    case 'Endpoints':
    case 'Nodes':
      items.forEach((sel, i) => {
        box.append(h('div', { class: 'vp-item' }, renderSelector(sel, `${path}[${i}]`, ctx,
          { namespace: peer.kind === 'Endpoints' }), button('Remove selector', removeItem(i),
          { label: `Remove selector ${i + 1} of ${path}`, kind: 'danger' })));
      });
      box.append(button(peer.kind === 'Nodes' ? 'Add node selector' : 'Add pod selector', () => ctx.restructure(() => {
        peer.items = [...items, emptySelector()];
      }), { key: `${path}.add` }));
      break;
    case 'Entities': {
      const group = h('fieldset', { class: 'vp-checks' }, h('legend', { text: 'Entities' }));
      for (const name of [...ENTITIES, ...items.filter((e) => !ENTITIES.includes(e))]) {
        group.append(checkbox(name, items.includes(name), (on) => ctx.change(() => {
          peer.items = on ? [...list(peer.items), name] : list(peer.items).filter((e) => e !== name);
        }), { key: `${path}.${name}` }));
      }
      box.append(group);
      break;
    }
    case 'CIDR':
      items.forEach((cidr, i) => {
        box.append(h('div', { class: 'vp-row vp-item' }, textField('CIDR', cidr, (v) => ctx.change(() => {
          items[i] = v;
        }), { key: `${path}[${i}]`, placeholder: '10.0.0.0/8' }), button('Remove', removeItem(i), { label: `Remove CIDR ${i + 1}`, kind: 'danger' })));
      });
      box.append(button('Add CIDR', () => ctx.restructure(() => {
        peer.items = [...items, ''];
      }), { key: `${path}.add` }));
      break;
    case 'CIDRSet':
      items.forEach((set, i) => {
        const row = h('div', { class: 'vp-row vp-item' });
        if (set.cidrGroupRef !== undefined && set.cidr === undefined) {
          row.append(textField('CIDR group', set.cidrGroupRef, (v) => ctx.change(() => {
            set.cidrGroupRef = v;
          }), { key: `${path}[${i}].group` }));
        } else if (set.cidrGroupSelector !== undefined) {
          row.append(h('p', { class: 'vp-kept', text: 'cidrGroupSelector (kept as written)' }));
        } else {
          row.append(textField('CIDR', set.cidr, (v) => ctx.change(() => {
            set.cidr = v;
          }), { key: `${path}[${i}].cidr`, placeholder: '0.0.0.0/0' }));
          row.append(textField('Except (comma-separated)', list(set.except).join(', '), (v) => ctx.change(() => {
            set.except = v.trim() === '' ? undefined : csv(v);
          }), { key: `${path}[${i}].except`, placeholder: '10.0.0.0/8, 192.168.0.0/16' }));
        }
        row.append(button('Remove', removeItem(i), { label: `Remove CIDR ${i + 1}`, kind: 'danger' }));
        box.append(row);
      });
      box.append(button('Add CIDR', () => ctx.restructure(() => {
        peer.items = [...items, { cidr: '' }];
      }), { key: `${path}.add` }));
      break;
    case 'FQDNs':
      items.forEach((f, i) => box.append(renderNameOrPattern(f, `${path}[${i}]`, ctx, removeItem(i), 'example.com', '*.example.com')));
      box.append(button('Add DNS name', () => ctx.restructure(() => {
        peer.items = [...items, { matchName: '' }];
      }), { key: `${path}.add` }));
      break;
    case 'Services':
      items.forEach((s, i) => {
        const row = h('div', { class: 'vp-row vp-item' });
        if (s.k8sService) {
          row.append(textField('Service name', s.k8sService.serviceName, (v) => ctx.change(() => {
            s.k8sService.serviceName = v;
          }), { key: `${path}[${i}].name` }));
          row.append(textField('Service namespace', s.k8sService.namespace, (v) => ctx.change(() => {
            s.k8sService.namespace = blank(v);
          }), { key: `${path}[${i}].namespace` }));
        }
        if (s.k8sServiceSelector) {
          const sel = s.k8sServiceSelector;
          sel.selector = sel.selector ?? emptySelector();
          row.append(h('div', { class: 'vp-wide' }, h('p', { class: 'vp-hint', text: 'Services selected by label' }),
            renderSelector(sel.selector, `${path}[${i}].selector`, ctx, { namespace: false })));
          row.append(textField('Service namespace', sel.namespace, (v) => ctx.change(() => {
            sel.namespace = blank(v);
          }), { key: `${path}[${i}].selns` }));
        }
        row.append(button('Remove', removeItem(i), { label: `Remove service ${i + 1}`, kind: 'danger' }));
        box.append(row);
      });
      box.append(h('div', { class: 'vp-actions' }, button('Add service by name', () => ctx.restructure(() => {
        peer.items = [...items, { k8sService: { serviceName: '' } }];
      }), { key: `${path}.add` }), button('Add services by label', () => ctx.restructure(() => {
        peer.items = [...items, { k8sServiceSelector: { selector: emptySelector() } }];
      }), { key: `${path}.addsel` })));
      break;
    default:
      box.append(h('p', { class: 'vp-kept', text: 'Kept as written: edit in the YAML.' }));
  }
  return box;
}

function renderNameOrPattern(f, path, ctx, remove, namePlaceholder, patternPlaceholder) {
  const isPattern = f.matchPattern !== undefined && f.matchName === undefined;
  const row = h('div', { class: 'vp-row vp-item' });
  row.append(selectField('Match', [['name', 'exact name (matchName)'], ['pattern', 'pattern (matchPattern)']],
    isPattern ? 'pattern' : 'name', (v) => ctx.restructure(() => {
      const value = f.matchName ?? f.matchPattern ?? '';
      f.matchName = v === 'name' ? value : undefined;
      f.matchPattern = v === 'pattern' ? value : undefined;
    }), { key: `${path}.match` }));
  row.append(textField(isPattern ? 'Pattern' : 'Name', isPattern ? f.matchPattern : f.matchName, (v) => ctx.change(() => {
    if (isPattern) {
      f.matchPattern = v;
    } else {
      f.matchName = v;
    }
  }), { key: `${path}.value`, placeholder: isPattern ? patternPlaceholder : namePlaceholder }));
  row.append(button('Remove', remove, { label: `Remove ${path}`, kind: 'danger' }));
  return row;
}

// ---------------------------------------------------------------- selectors

/**
 * A label selector as chips (matchLabels) and rows (matchExpressions). With namespace, the pod namespace label
 * (k8s:io.kubernetes.pod.namespace) is a field of its own and namespace labels (k8s:io.cilium.k8s.namespace.labels.*)
 * are chips marked "namespace".
 */
export function renderSelector(sel, path, ctx, { namespace }) {
  const box = h('div', { class: 'vp-selector', attrs: { 'data-vp-selector': path } });
  const labels = list(sel.matchLabels);
  const nsIndex = namespace ? labels.findIndex((l) => l.key === NAMESPACE_KEY || l.key === 'io.kubernetes.pod.namespace') : -1;
  if (namespace) {
    box.append(textField('Namespace', nsIndex >= 0 ? labels[nsIndex].value : '', (v) => ctx.change(() => {
      const at = list(sel.matchLabels).findIndex((l) => l.key === NAMESPACE_KEY || l.key === 'io.kubernetes.pod.namespace');
      if (v === '' && at >= 0) {
        sel.matchLabels.splice(at, 1);
      } else if (at >= 0) {
        sel.matchLabels[at].value = v;
      } else if (v !== '') {
        sel.matchLabels = [...list(sel.matchLabels), { key: NAMESPACE_KEY, value: v }];
      }
    }), { key: `${path}.namespace`, placeholder: 'this namespace', hint: 'Empty: the policy’s own namespace.' }));
  }
  const chips = h('ul', { class: 'vp-chips', attrs: { 'aria-label': 'Labels' } });
  labels.forEach((l, i) => {
    if (i === nsIndex) {
      return;
    }
    const ns = l.key.startsWith(NAMESPACE_LABEL_PREFIX);
    const text = `${ns ? l.key.slice(NAMESPACE_LABEL_PREFIX.length) : l.key}=${l.value}`;
    chips.append(h('li', { class: `vp-chip${ns ? ' vp-chip-ns' : ''}` }, ns ? h('span', { class: 'vp-chip-tag', text: 'namespace' }) : null,
      h('code', { text }), button('×', () => ctx.restructure(() => sel.matchLabels.splice(i, 1)),
        { label: `Remove label ${text}`, kind: 'chip-remove' })));
  });
  if (!labels.length && !list(sel.matchExpressions).length) {
    chips.append(h('li', { class: 'vp-hint', text: sel.matchLabels === undefined && sel.matchExpressions === undefined
      ? 'No labels: selects everything ({}).' : 'No labels.' }));
  }
  box.append(chips);
  const input = textField(sel.scope === 'namespace' ? 'Add namespace label (key=value)' : 'Add label (key=value)', '', () => {},
    { key: `${path}.label-input`, placeholder: 'app=web' });
  const add = () => {
    const text = input.querySelector('input').value.trim();
    const eq = text.indexOf('=');
    if (!text || eq <= 0) {
      input.querySelector('input').setAttribute('aria-invalid', 'true');
      return;
    }
    ctx.restructure(() => {
      let key = text.slice(0, eq).trim();
      const value = text.slice(eq + 1).trim();
      if (sel.scope === 'namespace' && !key.includes(':') && !key.startsWith('io.')) {
        key = NAMESPACE_LABEL_PREFIX + key;
      }
      const labelsNow = list(sel.matchLabels).filter((l) => l.key !== key);
      sel.matchLabels = [...labelsNow, { key, value }];
    });
  };
  input.querySelector('input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      add();
    }
  });
  box.append(h('div', { class: 'vp-row vp-add' }, input, button('Add label', add, { key: `${path}.label-add`, label: `Add label to ${path}` })));
  // matchExpressions
  list(sel.matchExpressions).forEach((e, i) => {
    const row = h('div', { class: 'vp-row vp-item vp-expr' });
    row.append(textField('Key', e.key, (v) => ctx.change(() => {
      e.key = v;
    }), { key: `${path}.expr[${i}].key` }));
    row.append(selectField('Operator', OPERATORS.map((o) => [o, o]), e.operator, (v) => ctx.restructure(() => {
      e.operator = v;
      e.values = v === 'Exists' || v === 'DoesNotExist' ? undefined : list(e.values);
    }), { key: `${path}.expr[${i}].op` }));
    if (e.operator !== 'Exists' && e.operator !== 'DoesNotExist') {
      row.append(textField('Values (comma-separated)', list(e.values).join(', '), (v) => ctx.change(() => {
        e.values = csv(v);
      }), { key: `${path}.expr[${i}].values` }));
    }
    row.append(button('Remove', () => ctx.restructure(() => {
      sel.matchExpressions.splice(i, 1);
      if (!sel.matchExpressions.length) {
        sel.matchExpressions = undefined;
      }
    }), { label: `Remove expression ${i + 1} of ${path}`, kind: 'danger' }));
    box.append(row);
  });
  box.append(button('Add expression', () => ctx.restructure(() => {
    sel.matchExpressions = [...list(sel.matchExpressions), { key: '', operator: 'In', values: [] }];
  }), { key: `${path}.expr-add`, label: `Add expression to ${path}` }));
  return box;
}

// ---------------------------------------------------------------- ports and L7

const L7_CHOICES = [['none', 'None (L3/L4 only)'], ['http', 'HTTP'], ['grpc', 'gRPC'], ['kafka', 'Kafka'], ['dns', 'DNS']];

function renderPortRule(pr, path, ctx, deny, remove) {
  const box = h('fieldset', { class: 'vp-sub vp-portrule', attrs: { 'data-vp-ports': path } }, h('legend', { text: 'Ports' }),
    button('Remove ports', remove, { label: `Remove ${path}`, kind: 'danger' }));
  list(pr.ports).forEach((p, i) => {
    const row = h('div', { class: 'vp-row vp-item' });
    row.append(textField('Port', p.port === undefined ? '' : String(p.port), (v) => ctx.change(() => {
      p.port = blank(v.trim());
    }), { key: `${path}.ports[${i}].port`, placeholder: '80 or http' }));
    row.append(textField('End port', p.endPort === undefined ? '' : String(p.endPort), (v) => ctx.change(() => {
      const n = Number.parseInt(v, 10);
      p.endPort = v.trim() === '' ? undefined : (Number.isNaN(n) ? v : n);
    }), { key: `${path}.ports[${i}].endPort`, placeholder: 'range end' }));
    row.append(selectField('Protocol', [['', 'not set (ANY)'], ...PROTOCOLS.map((x) => [x, x])], p.protocol ?? '', (v) => ctx.change(() => {
      p.protocol = blank(v);
    }), { key: `${path}.ports[${i}].protocol` }));
    row.append(button('Remove', () => ctx.restructure(() => {
      pr.ports.splice(i, 1);
    }), { label: `Remove port ${i + 1} of ${path}`, kind: 'danger' }));
    box.append(row);
  });
  box.append(button('Add port', () => ctx.restructure(() => {
    pr.ports = [...list(pr.ports), { port: '', protocol: 'TCP' }];
  }), { key: `${path}.port-add`, label: `Add port to ${path}` }));
  if (deny) {
    return box;
  }
  const type = pr.l7 ?? 'none';
  box.append(selectField('L7 rules', type === 'other' ? [['other', 'Other (kept as written)']] : L7_CHOICES, type,
    (v) => ctx.restructure(() => {
      pr.l7 = v;
      if (v === 'none') {
        pr.rules = undefined;
        return;
      }
      pr.rules = { extra: {} };
      if (v === 'http' || v === 'grpc') {
        pr.rules.http = v === 'grpc' ? [{ method: 'POST', path: '' }] : [{ method: 'GET', path: '' }];
      } else if (v === 'kafka') {
        pr.rules.kafka = [{ role: 'produce', topic: '' }];
      } else {
        pr.rules.dns = [{ matchPattern: '*' }];
      }
    }), { key: `${path}.l7`, disabled: type === 'other' }));
  if (type === 'http') {
    renderHttp(pr, path, ctx, box);
  } else if (type === 'grpc') {
    renderGrpc(pr, path, ctx, box);
  } else if (type === 'kafka') {
    renderKafka(pr, path, ctx, box);
  } else if (type === 'dns') {
    list(pr.rules.dns).forEach((d, i) => box.append(renderNameOrPattern(d, `${path}.dns[${i}]`, ctx, () => ctx.restructure(() => {
      pr.rules.dns.splice(i, 1);
    }), 'cilium.io', '*.cilium.io')));
    box.append(button('Add DNS rule', () => ctx.restructure(() => {
      pr.rules.dns = [...list(pr.rules.dns), { matchPattern: '' }];
    }), { key: `${path}.dns-add` }));
  }
  return box;
}

function removeL7(pr, kind, i, ctx) {
  return () => ctx.restructure(() => {
    pr.rules[kind].splice(i, 1);
  });
}

function renderHttp(pr, path, ctx, box) {
  list(pr.rules.http).forEach((r, i) => {
    const p = `${path}.http[${i}]`;
    const card = h('fieldset', { class: 'vp-sub vp-l7' }, h('legend', { text: `HTTP rule ${i + 1}` }));
    const row = h('div', { class: 'vp-row' });
    row.append(textField('Method', r.method, (v) => ctx.change(() => {
      r.method = blank(v);
    }), { key: `${p}.method`, placeholder: 'GET (regex)' }));
    row.append(textField('Path', r.path, (v) => ctx.change(() => {
      r.path = blank(v);
    }), { key: `${p}.path`, placeholder: '/public (regex)' }));
    row.append(textField('Host', r.host, (v) => ctx.change(() => {
      r.host = blank(v);
    }), { key: `${p}.host`, placeholder: 'api.example.com (regex)' }));
    card.append(row);
    card.append(textField('Headers (one "Name" or "Name: value" per comma)', list(r.headers).join(', '), (v) => ctx.change(() => {
      r.headers = v.trim() === '' ? undefined : csv(v);
    }), { key: `${p}.headers`, wide: true }));
    list(r.headerMatches).forEach((m, k) => {
      const mrow = h('div', { class: 'vp-row vp-item' });
      mrow.append(textField('Header name', m.name, (v) => ctx.change(() => {
        m.name = v;
      }), { key: `${p}.hm[${k}].name` }));
      if (m.secret === undefined) {
        mrow.append(textField('Header value', m.value, (v) => ctx.change(() => {
          m.value = blank(v);
        }), { key: `${p}.hm[${k}].value` }));
      } else {
        mrow.append(h('p', { class: 'vp-kept', text: 'value from a secret (kept as written)' }));
      }
      mrow.append(selectField('On mismatch', [['', 'deny (not set)'], ['LOG', 'LOG'], ['ADD', 'ADD'], ['DELETE', 'DELETE'],
        ['REPLACE', 'REPLACE']], m.mismatch ?? '', (v) => ctx.change(() => {
        m.mismatch = blank(v);
      }), { key: `${p}.hm[${k}].mismatch` }));
      mrow.append(button('Remove', () => ctx.restructure(() => {
        r.headerMatches.splice(k, 1);
        if (!r.headerMatches.length) {
          r.headerMatches = undefined;
        }
      }), { label: `Remove header match ${k + 1} of ${p}`, kind: 'danger' }));
      card.append(mrow);
    });
    card.append(h('div', { class: 'vp-actions' }, button('Add header match', () => ctx.restructure(() => {
      r.headerMatches = [...list(r.headerMatches), { name: '', value: '' }];
    }), { key: `${p}.hm-add` }), button('Remove HTTP rule', removeL7(pr, 'http', i, ctx), { label: `Remove ${p}`, kind: 'danger' })));
    box.append(card);
  });
  box.append(button('Add HTTP rule', () => ctx.restructure(() => {
    pr.rules.http = [...list(pr.rules.http), { method: 'GET', path: '' }];
  }), { key: `${path}.http-add` }));
}

function renderGrpc(pr, path, ctx, box) {
  list(pr.rules.http).forEach((r, i) => {
    const p = `${path}.grpc[${i}]`;
    const call = grpcOf(r) ?? { service: '', method: '' };
    const state = { ...call };
    const row = h('div', { class: 'vp-row vp-item vp-l7' });
    const write = () => ctx.change(() => {
      r.method = 'POST';
      r.path = grpcPath(state.service, state.method);
    });
    row.append(textField('gRPC service', call.service, (v) => {
      state.service = v.trim();
      write();
    }, { key: `${p}.service`, placeholder: 'helloworld.Greeter' }));
    row.append(textField('gRPC method', call.method, (v) => {
      state.method = v.trim();
      write();
    }, { key: `${p}.method`, placeholder: 'SayHello' }));
    row.append(h('p', { class: 'vp-hint vp-wide', text: 'Stored as HTTP POST /package.Service/Method.' }));
    row.append(button('Remove', removeL7(pr, 'http', i, ctx), { label: `Remove ${p}`, kind: 'danger' }));
    box.append(row);
  });
  box.append(button('Add gRPC call', () => ctx.restructure(() => {
    pr.rules.http = [...list(pr.rules.http), { method: 'POST', path: '' }];
  }), { key: `${path}.grpc-add` }));
}

function renderKafka(pr, path, ctx, box) {
  list(pr.rules.kafka).forEach((r, i) => {
    const p = `${path}.kafka[${i}]`;
    const card = h('fieldset', { class: 'vp-sub vp-l7' }, h('legend', { text: `Kafka rule ${i + 1}` }));
    const row = h('div', { class: 'vp-row' });
    const byKey = r.apiKey !== undefined && r.role === undefined;
    row.append(selectField('Match by', [['role', 'role'], ['apiKey', 'apiKey']], byKey ? 'apiKey' : 'role', (v) => ctx.restructure(() => {
      if (v === 'role') {
        r.apiKey = undefined;
        r.role = 'produce';
      } else {
        r.role = undefined;
        r.apiKey = 'produce';
      }
    }), { key: `${p}.by` }));
    if (byKey) {
      row.append(textField('API key', r.apiKey, (v) => ctx.change(() => {
        r.apiKey = v;
      }), { key: `${p}.apiKey`, placeholder: 'produce, fetch, metadata…' }));
    } else {
      row.append(selectField('Role', [['produce', 'produce'], ['consume', 'consume']], r.role, (v) => ctx.change(() => {
        r.role = v;
      }), { key: `${p}.role` }));
    }
    row.append(textField('Topic', r.topic, (v) => ctx.change(() => {
      r.topic = blank(v);
    }), { key: `${p}.topic` }));
    row.append(textField('Client ID', r.clientID, (v) => ctx.change(() => {
      r.clientID = blank(v);
    }), { key: `${p}.clientID` }));
    row.append(textField('API version', r.apiVersion, (v) => ctx.change(() => {
      r.apiVersion = blank(v);
    }), { key: `${p}.apiVersion` }));
    card.append(row, button('Remove Kafka rule', removeL7(pr, 'kafka', i, ctx), { label: `Remove ${p}`, kind: 'danger' }));
    box.append(card);
  });
  box.append(button('Add Kafka rule', () => ctx.restructure(() => {
    pr.rules.kafka = [...list(pr.rules.kafka), { role: 'produce', topic: '' }];
  }), { key: `${path}.kafka-add` }));
}

// ---------------------------------------------------------------- NetworkPolicy

function renderNetworkPolicy(np, ctx) {
  const box = h('fieldset', { class: 'vp-box vp-rule', attrs: { 'data-vp-rule': 'spec' } }, h('legend', { text: 'Rule (spec)' }));
  np.podSelector = np.podSelector ?? emptySelector();
  box.append(h('fieldset', { class: 'vp-sub' }, h('legend', { text: 'Subject: pods of the namespace (podSelector)' }),
    renderSelector(np.podSelector, 'spec.podSelector', ctx, { namespace: false })));
  const types = h('fieldset', { class: 'vp-checks' }, h('legend', { text: 'policyTypes (none checked: not set)' }));
  for (const type of ['Ingress', 'Egress']) {
    types.append(checkbox(type, list(np.policyTypes).includes(type), (on) => ctx.restructure(() => {
      const next = ['Ingress', 'Egress'].filter((t) => (t === type ? on : list(np.policyTypes).includes(t)));
      np.policyTypes = next.length ? next : undefined;
    }), { key: `spec.policyTypes.${type}` }));
  }
  box.append(types);
  for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']]) {
    const section = h('section', { class: 'vp-section', attrs: { 'data-vp-section': dir, 'aria-label': `${dir} rules` } },
      h('h3', { text: dir === 'ingress' ? 'Ingress rules (ingress)' : 'Egress rules (egress)' }));
    list(np[dir]).forEach((rule, i) => {
      const path = `spec.${dir}[${i}]`;
      const card = h('div', { class: 'vp-card', attrs: { 'data-vp-item': path } }, h('div', { class: 'vp-card-head' },
        h('h4', { text: `Rule ${i + 1}` }), button('Remove', () => ctx.restructure(() => {
          np[dir].splice(i, 1);
          if (!np[dir].length) {
            np[dir] = undefined;
          }
        }), { label: `Remove ${path}`, kind: 'danger' })));
      if (!list(rule.peers).length) {
        card.append(h('p', { class: 'vp-hint', text: `${peersKey}: every peer (none listed).` }));
      }
      list(rule.peers).forEach((peer, k) => card.append(renderNetworkPolicyPeer(peer, `${path}.${peersKey}[${k}]`, ctx, () => ctx.restructure(() => {
        rule.peers.splice(k, 1);
        if (!rule.peers.length) {
          rule.peers = undefined;
        }
      }))));
      card.append(h('div', { class: 'vp-actions' }, button('Add pods', () => ctx.restructure(() => {
        rule.peers = [...list(rule.peers), { podSelector: emptySelector() }];
      }), { key: `${path}.add-pods` }), button('Add namespaces', () => ctx.restructure(() => {
        rule.peers = [...list(rule.peers), { namespaceSelector: emptySelector() }];
      }), { key: `${path}.add-ns` }), button('Add IP block', () => ctx.restructure(() => {
        rule.peers = [...list(rule.peers), { ipBlock: { cidr: '' } }];
      }), { key: `${path}.add-ip` })));
      list(rule.ports).forEach((p, k) => {
        const row = h('div', { class: 'vp-row vp-item' });
        row.append(textField('Port', p.port === undefined ? '' : String(p.port), (v) => ctx.change(() => {
          const n = Number(v);
          p.port = v.trim() === '' ? undefined : (/^\d+$/.test(v.trim()) ? n : v.trim());
        }), { key: `${path}.ports[${k}].port` }));
        row.append(textField('End port', p.endPort === undefined ? '' : String(p.endPort), (v) => ctx.change(() => {
          p.endPort = v.trim() === '' ? undefined : Number(v);
        }), { key: `${path}.ports[${k}].endPort` }));
        row.append(selectField('Protocol', [['', 'not set (TCP)'], ['TCP', 'TCP'], ['UDP', 'UDP'], ['SCTP', 'SCTP']], p.protocol ?? '',
          (v) => ctx.change(() => {
            p.protocol = blank(v);
          }), { key: `${path}.ports[${k}].protocol` }));
        row.append(button('Remove', () => ctx.restructure(() => {
          rule.ports.splice(k, 1);
          if (!rule.ports.length) {
            rule.ports = undefined;
          }
        }), { label: `Remove port ${k + 1} of ${path}`, kind: 'danger' }));
        card.append(row);
      });
      card.append(button('Add port', () => ctx.restructure(() => {
        rule.ports = [...list(rule.ports), { port: 80, protocol: 'TCP' }];
      }), { key: `${path}.port-add`, label: `Add port to ${path}` }));
      section.append(card);
    });
    section.append(h('div', { class: 'vp-actions' }, button(`Add ${dir} rule`, () => ctx.restructure(() => {
      np[dir] = [...list(np[dir]), { peers: undefined, ports: undefined }];
    }), { key: `spec.${dir}.add` })));
    box.append(section);
  }
  return box;
}

function renderNetworkPolicyPeer(peer, path, ctx, remove) {
  const box = h('fieldset', { class: 'vp-sub vp-peer' }, h('legend', { text: peer.ipBlock ? 'IP block'
    : (peer.podSelector && peer.namespaceSelector ? 'Pods in namespaces' : (peer.podSelector ? 'Pods' : 'Namespaces')) }),
  button('Remove peer', remove, { label: `Remove ${path}`, kind: 'danger' }));
  if (peer.ipBlock) {
    const row = h('div', { class: 'vp-row' });
    row.append(textField('CIDR', peer.ipBlock.cidr, (v) => ctx.change(() => {
      peer.ipBlock.cidr = v;
    }), { key: `${path}.cidr` }));
    row.append(textField('Except (comma-separated)', list(peer.ipBlock.except).join(', '), (v) => ctx.change(() => {
      peer.ipBlock.except = v.trim() === '' ? undefined : csv(v);
    }), { key: `${path}.except` }));
    box.append(row);
    return box;
  }
  for (const [key, title] of [['namespaceSelector', 'Namespaces (namespaceSelector)'], ['podSelector', 'Pods (podSelector)']]) {
    if (peer[key]) {
      box.append(h('p', { class: 'vp-hint', text: title }), renderSelector(peer[key], `${path}.${key}`, ctx, { namespace: false }));
    }
    box.append(checkbox(`Use ${key}`, Boolean(peer[key]), (on) => ctx.restructure(() => {
      peer[key] = on ? emptySelector() : undefined;
    }), { key: `${path}.${key}.on` }));
  }
  return box;
}
