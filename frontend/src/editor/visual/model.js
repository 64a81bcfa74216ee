// The visual pane's form model: one policy (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or NetworkPolicy)
// read from the plain value of a YAML document (Document#toJS()) into a typed model the form edits, and written back
// into a plain value. readPolicy never guesses: a field it does not know, or a value of the wrong type, is a problem
// (the pane is then read-only); fields the form does not edit but understands (icmps, authentication, labels, log,
// serverNames, TLS, listener, l7proto, status, metadata besides name and namespace) are kept as written ("kept").
// Absent and empty are different in Cilium (ingress absent vs ingress: [] vs ingress: [{}]), so every list keeps
// undefined (absent) apart from [] (written empty). docs/adr/023-visual-editor-form-model.md.

export const KINDS = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy'];
export const SECTIONS = ['ingress', 'ingressDeny', 'egress', 'egressDeny'];
export const ENTITIES = ['all', 'world', 'cluster', 'host', 'remote-node', 'kube-apiserver', 'ingress', 'health',
  'init', 'unmanaged', 'none'];
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'ANY'];
export const NAMESPACE_KEY = 'k8s:io.kubernetes.pod.namespace';
export const NAMESPACE_LABEL_PREFIX = 'k8s:io.cilium.k8s.namespace.labels.';

// Peer kinds of one rule item, in the order the form shows them; the YAML key is from<Key> (ingress) or to<Key>.
export const PEER_KINDS = ['Endpoints', 'Entities', 'CIDR', 'CIDRSet', 'FQDNs', 'Services', 'Nodes', 'Groups', 'Requires'];
const PEER_KEYS = {
  ingress: ['Endpoints', 'Requires', 'CIDR', 'CIDRSet', 'Entities', 'Groups', 'Nodes'],
  ingressDeny: ['Endpoints', 'Requires', 'CIDR', 'CIDRSet', 'Entities', 'Groups', 'Nodes'],
  egress: ['Endpoints', 'Requires', 'CIDR', 'CIDRSet', 'Entities', 'Services', 'Groups', 'Nodes', 'FQDNs'],
  egressDeny: ['Endpoints', 'Requires', 'CIDR', 'CIDRSet', 'Entities', 'Services', 'Groups', 'Nodes'],
};

/** The peer kinds a section may hold (toFQDNs only in egress allow rules, toServices only at egress). */
export function peerKinds(section) {
  return PEER_KEYS[section];
}

export function peerKey(section, kind) {
  return (section.startsWith('ingress') ? 'from' : 'to') + kind;
}

/** list.map(fn), keeping null (written null: "ingress:" with nothing after it) and undefined (absent) apart. */
export const mapList = (list, fn) => (list == null ? list : list.map(fn));
const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

class Reader {
  constructor() {
    this.problems = [];
    this.kept = [];
  }

  problem(path, message) {
    this.problems.push({ path, message });
    return undefined;
  }

  keep(path) {
    this.kept.push(path);
  }

  map(v, path) {
    if (v === undefined) {
      return undefined;
    }
    if (v === null) {
      return {};
    }
    return isMap(v) ? v : this.problem(path, 'is not a mapping');
  }

  list(v, path) {
    if (v === undefined) {
      return undefined;
    }
    if (v === null) {
      return null;
    }
    return Array.isArray(v) ? v : this.problem(path, 'is not a list');
  }

  scalar(v, path) {
    if (v === undefined) {
      return undefined;
    }
    return isScalar(v) ? v : this.problem(path, 'is not a plain value');
  }

  strings(v, path) {
    const list = this.list(v, path);
    if (list == null) {
      return list;
    }
    return list.map((item, i) => this.scalar(item, `${path}[${i}]`));
  }

  known(obj, path, keys) {
    for (const key of Object.keys(obj)) {
      if (!keys.includes(key)) {
        this.problem(`${path}.${key}`, 'is a field the visual editor does not know');
      }
    }
  }
}

// ---------------------------------------------------------------- reading

/**
 * Reads one policy from a plain value. Returns {model, problems, kept}: model is null when the value is not a policy
 * of a known kind; problems (path, message) make the pane read-only; kept lists fields kept as written.
 */
export function readPolicy(value) {
  const r = new Reader();
  if (!isMap(value)) {
    r.problem('', 'The document is not a mapping with apiVersion, kind, metadata and spec.');
    return { model: null, problems: r.problems, kept: r.kept };
  }
  if (!KINDS.includes(value.kind)) {
    r.problem('kind', `kind ${JSON.stringify(value.kind ?? null)} is not one the visual editor edits`
      + ' (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, NetworkPolicy).');
    return { model: null, problems: r.problems, kept: r.kept };
  }
  const model = { kind: value.kind, top: {} };
  for (const [key, v] of Object.entries(value)) {
    if (key === 'spec' || key === 'specs') {
      continue;
    }
    if (key === 'metadata') {
      const metadata = r.map(v, 'metadata');
      if (metadata) {
        r.scalar(metadata.name, 'metadata.name');
        r.scalar(metadata.namespace, 'metadata.namespace');
        if (Object.keys(metadata).some((k) => k !== 'name' && k !== 'namespace')) {
          r.keep('metadata');
        }
      }
    } else if (!['apiVersion', 'kind'].includes(key)) {
      r.keep(key);
    }
    model.top[key] = v;
  }
  if (value.kind === 'NetworkPolicy') {
    model.np = readNetworkPolicySpec(r, value.spec);
    if (value.specs !== undefined) {
      r.problem('specs', 'a NetworkPolicy has no specs');
    }
  } else {
    if (value.spec !== undefined) {
      model.spec = readRule(r, value.spec, 'spec');
    }
    if (value.specs !== undefined) {
      const specs = r.list(value.specs, 'specs');
      model.specs = mapList(specs, (rule, i) => readRule(r, rule, `specs[${i}]`));
    }
  }
  return { model, problems: r.problems, kept: r.kept };
}

const RULE_KEYS = ['endpointSelector', 'nodeSelector', ...SECTIONS, 'enableDefaultDeny', 'description', 'labels', 'log'];

function readRule(r, value, path) {
  const rule = r.map(value, path);
  if (!rule) {
    return emptyRule();
  }
  r.known(rule, path, RULE_KEYS);
  const model = { subjectKey: rule.nodeSelector !== undefined && rule.endpointSelector === undefined
    ? 'nodeSelector' : 'endpointSelector' };
  if (rule.nodeSelector !== undefined && rule.endpointSelector !== undefined) {
    r.problem(`${path}.nodeSelector`, 'is set together with endpointSelector');
  }
  const subject = rule[model.subjectKey];
  model.subject = subject === undefined ? undefined : readSelector(r, subject, `${path}.${model.subjectKey}`);
  for (const section of SECTIONS) {
    const items = r.list(rule[section], `${path}.${section}`);
    model[section] = mapList(items, (item, i) => readPeerRule(r, item, `${path}.${section}[${i}]`, section));
  }
  if (rule.enableDefaultDeny !== undefined) {
    const edd = r.map(rule.enableDefaultDeny, `${path}.enableDefaultDeny`);
    if (edd) {
      r.known(edd, `${path}.enableDefaultDeny`, ['ingress', 'egress']);
      for (const dir of ['ingress', 'egress']) {
        if (edd[dir] !== undefined && typeof edd[dir] !== 'boolean') {
          r.problem(`${path}.enableDefaultDeny.${dir}`, 'is not true or false');
        }
      }
      model.enableDefaultDeny = { ingress: edd.ingress, egress: edd.egress };
    }
  }
  model.description = r.scalar(rule.description, `${path}.description`);
  for (const key of ['labels', 'log']) {
    if (rule[key] !== undefined) {
      r.keep(`${path}.${key}`);
      model[key] = rule[key];
    }
  }
  return model;
}

export function emptyRule() {
  return { subjectKey: 'endpointSelector', subject: emptySelector() };
}

export function emptySelector() {
  return { matchLabels: undefined, matchExpressions: undefined };
}

function readSelector(r, value, path) {
  const sel = r.map(value, path);
  if (!sel) {
    return emptySelector();
  }
  r.known(sel, path, ['matchLabels', 'matchExpressions']);
  const model = emptySelector();
  const labels = r.map(sel.matchLabels, `${path}.matchLabels`);
  if (labels) {
    model.matchLabels = Object.entries(labels).map(([key, v]) => ({ key, value: r.scalar(v, `${path}.matchLabels.${key}`) ?? '' }));
  }
  const exprs = r.list(sel.matchExpressions, `${path}.matchExpressions`);
  if (exprs !== undefined) {
    model.matchExpressions = mapList(exprs, (e, i) => {
      const p = `${path}.matchExpressions[${i}]`;
      const expr = r.map(e, p) ?? {};
      r.known(expr, p, ['key', 'operator', 'values']);
      return { key: r.scalar(expr.key, `${p}.key`), operator: r.scalar(expr.operator, `${p}.operator`),
        values: r.strings(expr.values, `${p}.values`) };
    });
  }
  return model;
}

function readPeerRule(r, value, path, section) {
  const item = r.map(value, path) ?? {};
  const kinds = peerKinds(section);
  const allowed = [...kinds.map((k) => peerKey(section, k)), 'toPorts', 'icmps'];
  if (!section.endsWith('Deny')) {
    allowed.push('authentication');
  }
  r.known(item, path, allowed);
  const model = { peers: [] };
  for (const kind of kinds) {
    const key = peerKey(section, kind);
    if (item[key] === undefined) {
      continue;
    }
    const list = r.list(item[key], `${path}.${key}`);
    if (list !== undefined) {
      model.peers.push({ kind, items: mapList(list, (v, i) => readPeer(r, kind, v, `${path}.${key}[${i}]`)) });
    }
  }
  const ports = r.list(item.toPorts, `${path}.toPorts`);
  model.toPorts = mapList(ports, (p, i) => readPortRule(r, p, `${path}.toPorts[${i}]`, section.endsWith('Deny')));
  for (const key of ['icmps', 'authentication']) {
    if (item[key] !== undefined) {
      r.keep(`${path}.${key}`);
      model[key] = item[key];
    }
  }
  return model;
}

function readPeer(r, kind, value, path) {
  switch (kind) {
    case 'Endpoints':
    case 'Nodes':
    case 'Requires':
      if (kind === 'Requires') {
        r.keep(path);
      }
      return readSelector(r, value, path);
    case 'Entities':
    case 'CIDR':
      return r.scalar(value, path) ?? '';
    case 'Groups':
      r.keep(path);
      return value;
    case 'CIDRSet': {
      const set = r.map(value, path) ?? {};
      r.known(set, path, ['cidr', 'except', 'cidrGroupRef', 'cidrGroupSelector']);
      if (set.cidrGroupSelector !== undefined) {
        r.keep(`${path}.cidrGroupSelector`);
      }
      return { cidr: r.scalar(set.cidr, `${path}.cidr`), except: r.strings(set.except, `${path}.except`),
        cidrGroupRef: r.scalar(set.cidrGroupRef, `${path}.cidrGroupRef`), cidrGroupSelector: set.cidrGroupSelector };
    }
    case 'FQDNs': {
      const f = r.map(value, path) ?? {};
      r.known(f, path, ['matchName', 'matchPattern']);
      return { matchName: r.scalar(f.matchName, `${path}.matchName`),
        matchPattern: r.scalar(f.matchPattern, `${path}.matchPattern`) };
    }
    case 'Services': {
      const s = r.map(value, path) ?? {};
      r.known(s, path, ['k8sService', 'k8sServiceSelector']);
      const model = {};
      const svc = r.map(s.k8sService, `${path}.k8sService`);
      if (svc) {
        r.known(svc, `${path}.k8sService`, ['serviceName', 'namespace']);
        model.k8sService = { serviceName: r.scalar(svc.serviceName, `${path}.k8sService.serviceName`),
          namespace: r.scalar(svc.namespace, `${path}.k8sService.namespace`) };
      }
      const sel = r.map(s.k8sServiceSelector, `${path}.k8sServiceSelector`);
      if (sel) {
        r.known(sel, `${path}.k8sServiceSelector`, ['selector', 'namespace']);
        model.k8sServiceSelector = {
          selector: sel.selector === undefined ? undefined : readSelector(r, sel.selector, `${path}.k8sServiceSelector.selector`),
          namespace: r.scalar(sel.namespace, `${path}.k8sServiceSelector.namespace`) };
      }
      return model;
    }
    default:
      return r.problem(path, 'is an unknown peer');
  }
}

const PORT_RULE_EXTRA = ['serverNames', 'terminatingTLS', 'originatingTLS', 'listener'];

function readPortRule(r, value, path, deny) {
  const pr = r.map(value, path) ?? {};
  r.known(pr, path, deny ? ['ports'] : ['ports', 'rules', ...PORT_RULE_EXTRA]);
  const model = { extra: {} };
  const ports = r.list(pr.ports, `${path}.ports`);
  model.ports = mapList(ports, (p, i) => readPort(r, p, `${path}.ports[${i}]`));
  for (const key of PORT_RULE_EXTRA) {
    if (pr[key] !== undefined) {
      r.keep(`${path}.${key}`);
      model.extra[key] = pr[key];
    }
  }
  if (pr.rules !== undefined) {
    const rules = r.map(pr.rules, `${path}.rules`) ?? {};
    r.known(rules, `${path}.rules`, ['http', 'kafka', 'dns', 'l7proto', 'l7']);
    model.rules = { extra: {} };
    const http = r.list(rules.http, `${path}.rules.http`);
    if (http !== undefined) {
      model.rules.http = mapList(http, (h, i) => readHttp(r, h, `${path}.rules.http[${i}]`));
    }
    const kafka = r.list(rules.kafka, `${path}.rules.kafka`);
    if (kafka !== undefined) {
      model.rules.kafka = mapList(kafka, (k, i) => {
        const p = `${path}.rules.kafka[${i}]`;
        const rule = r.map(k, p) ?? {};
        r.known(rule, p, ['role', 'apiKey', 'apiVersion', 'clientID', 'topic']);
        return { role: r.scalar(rule.role, `${p}.role`), apiKey: r.scalar(rule.apiKey, `${p}.apiKey`),
          apiVersion: r.scalar(rule.apiVersion, `${p}.apiVersion`), clientID: r.scalar(rule.clientID, `${p}.clientID`),
          topic: r.scalar(rule.topic, `${p}.topic`) };
      });
    }
    const dns = r.list(rules.dns, `${path}.rules.dns`);
    if (dns !== undefined) {
      model.rules.dns = mapList(dns, (d, i) => {
        const p = `${path}.rules.dns[${i}]`;
        const rule = r.map(d, p) ?? {};
        r.known(rule, p, ['matchName', 'matchPattern']);
        return { matchName: r.scalar(rule.matchName, `${p}.matchName`), matchPattern: r.scalar(rule.matchPattern, `${p}.matchPattern`) };
      });
    }
    for (const key of ['l7proto', 'l7']) {
      if (rules[key] !== undefined) {
        r.keep(`${path}.rules.${key}`);
        model.rules.extra[key] = rules[key];
      }
    }
    model.l7 = l7Type(model.rules);
  }
  return model;
}

const GRPC_PATH = /^\/([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\/([A-Za-z_][A-Za-z0-9_]*)$/;

/** {service, method} when an HTTP rule is a gRPC call (POST /package.Service/Method and nothing else), else null. */
export function grpcOf(http) {
  if (http.method !== 'POST' || typeof http.path !== 'string' || http.host !== undefined
    || http.headers !== undefined || http.headerMatches !== undefined) {
    return null;
  }
  const m = GRPC_PATH.exec(http.path);
  return m ? { service: m[1], method: m[2] } : null;
}

export function grpcPath(service, method) {
  return `/${service}/${method}`;
}

/** Which L7 form a rules block shows: http, grpc (HTTP rules that are all gRPC calls), kafka, dns, other or none. */
export function l7Type(rules) {
  if (Object.keys(rules.extra ?? {}).length) {
    return 'other';
  }
  const present = ['http', 'kafka', 'dns'].filter((k) => rules[k] !== undefined);
  if (present.length > 1) {
    return 'other';
  }
  if (present.length === 0) {
    return 'none';
  }
  if (present[0] === 'http' && rules.http.length && rules.http.every((h) => grpcOf(h))) {
    return 'grpc';
  }
  return present[0];
}

function readHttp(r, value, path) {
  const h = r.map(value, path) ?? {};
  r.known(h, path, ['method', 'path', 'host', 'headers', 'headerMatches']);
  const model = { method: r.scalar(h.method, `${path}.method`), path: r.scalar(h.path, `${path}.path`),
    host: r.scalar(h.host, `${path}.host`), headers: r.strings(h.headers, `${path}.headers`) };
  const matches = r.list(h.headerMatches, `${path}.headerMatches`);
  if (matches !== undefined) {
    model.headerMatches = mapList(matches, (m, i) => {
      const p = `${path}.headerMatches[${i}]`;
      const hm = r.map(m, p) ?? {};
      r.known(hm, p, ['name', 'value', 'mismatch', 'secret']);
      if (hm.secret !== undefined) {
        r.keep(`${p}.secret`);
      }
      return { name: r.scalar(hm.name, `${p}.name`), value: r.scalar(hm.value, `${p}.value`),
        mismatch: r.scalar(hm.mismatch, `${p}.mismatch`), secret: hm.secret };
    });
  }
  return model;
}

function readPort(r, value, path) {
  const p = r.map(value, path) ?? {};
  r.known(p, path, ['port', 'endPort', 'protocol']);
  return { port: r.scalar(p.port, `${path}.port`), endPort: r.scalar(p.endPort, `${path}.endPort`),
    protocol: r.scalar(p.protocol, `${path}.protocol`) };
}

function readNetworkPolicySpec(r, value, path = 'spec') {
  const spec = r.map(value, path);
  if (!spec) {
    return { podSelector: undefined };
  }
  r.known(spec, path, ['podSelector', 'policyTypes', 'ingress', 'egress']);
  const model = {
    podSelector: spec.podSelector === undefined ? undefined : readSelector(r, spec.podSelector, `${path}.podSelector`),
    policyTypes: r.strings(spec.policyTypes, `${path}.policyTypes`),
  };
  for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']]) {
    const rules = r.list(spec[dir], `${path}.${dir}`);
    model[dir] = mapList(rules, (rule, i) => {
      const p = `${path}.${dir}[${i}]`;
      const item = r.map(rule, p) ?? {};
      r.known(item, p, [peersKey, 'ports']);
      const peers = r.list(item[peersKey], `${p}.${peersKey}`);
      const ports = r.list(item.ports, `${p}.ports`);
      return {
        peers: mapList(peers, (peer, j) => readNetworkPolicyPeer(r, peer, `${p}.${peersKey}[${j}]`)),
        ports: mapList(ports, (port, j) => readPort(r, port, `${p}.ports[${j}]`)),
      };
    });
  }
  return model;
}

function readNetworkPolicyPeer(r, value, path) {
  const peer = r.map(value, path) ?? {};
  r.known(peer, path, ['podSelector', 'namespaceSelector', 'ipBlock']);
  const model = {};
  for (const key of ['podSelector', 'namespaceSelector']) {
    if (peer[key] !== undefined) {
      model[key] = readSelector(r, peer[key], `${path}.${key}`);
    }
  }
  const block = r.map(peer.ipBlock, `${path}.ipBlock`);
  if (block) {
    r.known(block, `${path}.ipBlock`, ['cidr', 'except']);
    model.ipBlock = { cidr: r.scalar(block.cidr, `${path}.ipBlock.cidr`), except: r.strings(block.except, `${path}.ipBlock.except`) };
  }
  return model;
}

// ---------------------------------------------------------------- writing

// Sets key to value unless value is undefined (absent stays absent).
function put(target, key, value) {
  if (value !== undefined) {
    target[key] = value;
  }
  return target;
}

/** Writes the model back into a plain value, the fields in Cilium's order. */
export function writePolicy(model) {
  const out = {};
  // copied: the form edits metadata in place, and the caller keeps this value to compare the next one with
  for (const [key, v] of Object.entries(model.top)) {
    out[key] = v !== null && typeof v === 'object' ? structuredClone(v) : v;
  }
  if (model.kind === 'NetworkPolicy') {
    out.spec = writeNetworkPolicySpec(model.np);
    return out;
  }
  put(out, 'spec', model.spec && writeRule(model.spec));
  put(out, 'specs', mapList(model.specs, writeRule));
  return out;
}

function writeRule(rule) {
  const out = {};
  put(out, 'description', rule.description);
  put(out, rule.subjectKey, rule.subject && writeSelector(rule.subject));
  for (const section of SECTIONS) {
    put(out, section, mapList(rule[section], (item) => writePeerRule(item, section)));
  }
  if (rule.enableDefaultDeny) {
    out.enableDefaultDeny = put(put({}, 'ingress', rule.enableDefaultDeny.ingress), 'egress', rule.enableDefaultDeny.egress);
  }
  put(out, 'labels', rule.labels);
  put(out, 'log', rule.log);
  return out;
}

export function writeSelector(sel) {
  const out = {};
  if (sel.matchLabels) {
    out.matchLabels = {};
    for (const { key, value } of sel.matchLabels) {
      out.matchLabels[key] = value;
    }
  }
  if (sel.matchExpressions !== undefined) {
    out.matchExpressions = mapList(sel.matchExpressions, (e) => put(put(put({}, 'key', e.key), 'operator', e.operator), 'values', e.values));
  }
  return out;
}

function writePeerRule(item, section) {
  const out = {};
  for (const peer of item.peers) {
    out[peerKey(section, peer.kind)] = mapList(peer.items, (p) => writePeer(peer.kind, p));
  }
  put(out, 'toPorts', mapList(item.toPorts, writePortRule));
  put(out, 'icmps', item.icmps);
  put(out, 'authentication', item.authentication);
  return out;
}

function writePeer(kind, p) {
  switch (kind) {
    case 'Endpoints':
    case 'Nodes':
    case 'Requires':
      return writeSelector(p);
    case 'CIDRSet':
      return put(put(put(put({}, 'cidr', p.cidr), 'except', p.except), 'cidrGroupRef', p.cidrGroupRef),
        'cidrGroupSelector', p.cidrGroupSelector);
    case 'FQDNs':
      return put(put({}, 'matchName', p.matchName), 'matchPattern', p.matchPattern);
    case 'Services': {
      const out = {};
      if (p.k8sService) {
        out.k8sService = put(put({}, 'serviceName', p.k8sService.serviceName), 'namespace', p.k8sService.namespace);
      }
      if (p.k8sServiceSelector) {
        out.k8sServiceSelector = put(put({}, 'selector', p.k8sServiceSelector.selector
          && writeSelector(p.k8sServiceSelector.selector)), 'namespace', p.k8sServiceSelector.namespace);
      }
      return out;
    }
    default:
      return p;
  }
}

function writePortRule(pr) {
  const out = {};
  put(out, 'ports', mapList(pr.ports, writePort));
  if (pr.rules) {
    const rules = {};
    put(rules, 'http', mapList(pr.rules.http, writeHttp));
    put(rules, 'kafka', mapList(pr.rules.kafka, (k) => put(put(put(put(put({}, 'role', k.role), 'apiKey', k.apiKey),
      'apiVersion', k.apiVersion), 'clientID', k.clientID), 'topic', k.topic)));
    put(rules, 'dns', mapList(pr.rules.dns, (d) => put(put({}, 'matchName', d.matchName), 'matchPattern', d.matchPattern)));
    Object.assign(rules, pr.rules.extra ?? {});
    out.rules = rules;
  }
  Object.assign(out, pr.extra ?? {});
  return out;
}

function writeHttp(h) {
  const out = {};
  put(out, 'method', h.method);
  put(out, 'path', h.path);
  put(out, 'host', h.host);
  put(out, 'headers', h.headers);
  put(out, 'headerMatches', mapList(h.headerMatches, (m) => put(put(put(put(put({}, 'name', m.name), 'value', m.value),
    'mismatch', m.mismatch), 'secret', m.secret))));
  return out;
}

function writePort(p) {
  return put(put(put({}, 'port', p.port), 'endPort', p.endPort), 'protocol', p.protocol);
}

function writeNetworkPolicySpec(np) {
  const out = {};
  put(out, 'podSelector', np.podSelector && writeSelector(np.podSelector));
  put(out, 'policyTypes', np.policyTypes);
  for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']]) {
    put(out, dir, mapList(np[dir], (rule) => put(put({}, peersKey, mapList(rule.peers, writeNetworkPolicyPeer)), 'ports',
      mapList(rule.ports, writePort))));
  }
  return out;
}

function writeNetworkPolicyPeer(peer) {
  const out = {};
  put(out, 'podSelector', peer.podSelector && writeSelector(peer.podSelector));
  put(out, 'namespaceSelector', peer.namespaceSelector && writeSelector(peer.namespaceSelector));
  if (peer.ipBlock) {
    out.ipBlock = put(put({}, 'cidr', peer.ipBlock.cidr), 'except', peer.ipBlock.except);
  }
  return out;
}

// ---------------------------------------------------------------- default deny

/**
 * Whether each direction of the selected pods becomes default-deny because of this policy (agent in the default
 * enforcement mode, enable-non-default-deny-policies on, as the engine's PolicyCompiler): a Cilium rule puts a
 * direction into default deny when it has at least one entry in that direction's allow or deny list (an empty rule
 * {} counts, ingress: [] does not), unless its enableDefaultDeny.<direction> is false; any rule of the policy is
 * enough. A NetworkPolicy covers the directions in policyTypes (default: Ingress, plus Egress when it has egress
 * rules) and makes each covered direction default-deny, as does any direction it has rules for.
 * Returns {ingress: {deny, why}, egress: {deny, why}}.
 */
export function defaultDeny(model) {
  if (model.kind === 'NetworkPolicy') {
    const np = model.np;
    const has = (dir) => (np[dir]?.length ?? 0) > 0;
    const types = np.policyTypes ?? (has('egress') ? ['Ingress', 'Egress'] : ['Ingress']);
    const result = {};
    for (const [dir, type] of [['ingress', 'Ingress'], ['egress', 'Egress']]) {
      const covered = types.includes(type) || (dir === 'ingress' && !types.includes('Egress'));
      if (has(dir)) {
        result[dir] = { deny: true, why: `the policy has ${dir} rules` };
      } else if (covered) {
        result[dir] = { deny: true, why: `policyTypes covers ${type} and no rule allows anything` };
      } else {
        result[dir] = { deny: false, why: `policyTypes does not cover ${type}` };
      }
    }
    return result;
  }
  const rules = [model.spec, ...(model.specs ?? [])].filter(Boolean);
  const result = {};
  for (const dir of ['ingress', 'egress']) {
    const withEntries = rules.filter((rule) => (rule[dir]?.length ?? 0) + (rule[`${dir}Deny`]?.length ?? 0) > 0);
    const enabling = withEntries.filter((rule) => rule.enableDefaultDeny?.[dir] !== false);
    if (enabling.length) {
      result[dir] = { deny: true, why: `the policy has ${dir} rules` };
    } else if (withEntries.length) {
      result[dir] = { deny: false, why: `enableDefaultDeny.${dir} is false` };
    } else {
      result[dir] = { deny: false, why: `the policy has no ${dir} rules` };
    }
  }
  return result;
}
