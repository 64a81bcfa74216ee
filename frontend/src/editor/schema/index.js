// The field trees the YAML pane completes and explains from: the Cilium CRDs' openAPIV3Schema (extracted into
// cilium.json by scripts/extract-crd-schemas.mjs) and a hand-written subset of networking.k8s.io/v1
// NetworkPolicy. A node is {d: description, t: type, e: enum, p: {field: node}, i: items node, a: map values}.
import cilium from './cilium.json';

const str = (d) => ({ t: 'string', d });
const labels = (d) => ({ t: 'object', d, a: { t: 'string' } });
const labelSelector = (d) => ({
  t: 'object', d,
  p: {
    matchLabels: labels('Labels that must all be present with these values.'),
    matchExpressions: {
      t: 'array', d: 'Label requirements that must all hold.',
      i: { t: 'object', p: {
        key: str('The label key.'),
        operator: { t: 'string', d: 'How the key relates to the values.', e: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
        values: { t: 'array', d: 'Values for In and NotIn; empty for Exists and DoesNotExist.', i: { t: 'string' } },
      } },
    },
  },
});
const ports = {
  t: 'array', d: 'Ports the traffic may use; empty or absent: every port.',
  i: { t: 'object', p: {
    protocol: { t: 'string', d: 'The protocol; TCP when absent.', e: ['TCP', 'UDP', 'SCTP'] },
    port: { t: 'int-or-string', d: 'A port number or a named port of the pods.' },
    endPort: { t: 'integer', d: 'With a numeric port: the last port of a range.' },
  } },
};
const peers = (d) => ({
  t: 'array', d,
  i: { t: 'object', p: {
    podSelector: labelSelector('Pods (in the policy\'s namespace, or in the namespaces namespaceSelector selects).'),
    namespaceSelector: labelSelector('Namespaces whose pods are peers; {} selects every namespace.'),
    ipBlock: { t: 'object', d: 'A CIDR range of peers outside the cluster.', p: {
      cidr: str('The range, such as 10.0.0.0/8.'),
      except: { t: 'array', d: 'Ranges inside cidr that are not peers.', i: { t: 'string' } },
    } },
  } },
});
const networkPolicy = {
  t: 'object', d: 'NetworkPolicy (networking.k8s.io/v1): which traffic is allowed for the selected pods.',
  p: {
    apiVersion: { t: 'string', d: 'networking.k8s.io/v1', e: ['networking.k8s.io/v1'] },
    kind: { t: 'string', d: 'NetworkPolicy', e: ['NetworkPolicy'] },
    metadata: { t: 'object', d: 'The policy\'s name, namespace, labels and annotations.', p: {
      name: str('The policy\'s name, unique in its namespace.'),
      namespace: str('The namespace the policy applies in.'),
      labels: labels('Labels of the policy object.'),
      annotations: labels('Annotations of the policy object.'),
    } },
    spec: { t: 'object', d: 'What the policy selects and allows.', p: {
      podSelector: labelSelector('The pods the policy applies to; {} selects every pod of the namespace.'),
      policyTypes: { t: 'array', d: 'The directions the policy isolates: Ingress, Egress or both.',
        i: { t: 'string', e: ['Ingress', 'Egress'] } },
      ingress: { t: 'array', d: 'Allowed incoming traffic; a selected pod accepts only what some rule allows.',
        i: { t: 'object', p: { from: peers('Sources; empty or absent: every source.'), ports } } },
      egress: { t: 'array', d: 'Allowed outgoing traffic; a selected pod sends only what some rule allows.',
        i: { t: 'object', p: { to: peers('Destinations; empty or absent: every destination.'), ports } } },
    } },
  },
};

const roots = { ...cilium.roots, NetworkPolicy: networkPolicy };

/** The node itself for a table reference ({$: n}). */
export function resolve(node) {
  return node && node.$ !== undefined ? cilium.table[node.$] : node;
}

/** The kinds the pane knows. */
export const KINDS = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy'];

/**
 * The schema node at a path of field names (array positions are written as '[]'), or null when the path leaves
 * the schema. An unknown kind is read as a CiliumNetworkPolicy (most documents are).
 */
export function nodeAt(kind, path) {
  let node = resolve(roots[kind] ?? roots.CiliumNetworkPolicy);
  for (const step of path) {
    if (!node) return null;
    if (step === '[]') {
      node = resolve(node.i);
    } else if (node.p && node.p[step]) {
      node = resolve(node.p[step]);
    } else if (node.a) {
      node = resolve(node.a);
    } else {
      return null;
    }
  }
  return node ?? null;
}

/** The top-level node of a kind (for apiVersion/kind completion). */
export function root(kind) {
  return resolve(roots[kind] ?? roots.CiliumNetworkPolicy);
}
