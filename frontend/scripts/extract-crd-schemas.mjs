// Extracts the field tree of the Cilium CRDs (openAPIV3Schema of the served v2 version) into the compact JSON the
// YAML pane completes and explains from (src/editor/schema/cilium.json). Run by hand when the CRDs change:
//   node scripts/extract-crd-schemas.mjs ../../shared/corpus/crds
// Each node: {d: description, t: type, e: enum values, p: {field: node}, i: node of array items, r: required}.
// Descriptions are shortened to their first paragraph (at most 600 characters); `status` is left out (not written
// by users). Identical subtrees are shared through a table ("$": index) so that ingress/egress/ingressDeny/...
// are stored once.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const dir = process.argv[2] ?? '../../shared/corpus/crds';
const files = { CiliumNetworkPolicy: 'ciliumnetworkpolicies.yaml', CiliumClusterwideNetworkPolicy: 'ciliumclusterwidenetworkpolicies.yaml' };

function shorten(text) {
  if (!text) return undefined;
  let first = text.split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, ' ').trim();
  if (first.length > 600) first = first.slice(0, 597) + '...';
  return first;
}

const table = [];
const index = new Map();

function compact(schema) {
  const node = {};
  const d = shorten(schema.description);
  if (d) node.d = d;
  if (schema.type) node.t = schema.type;
  if (schema['x-kubernetes-int-or-string']) node.t = 'int-or-string';
  if (schema.enum) node.e = schema.enum.map(String);
  if (schema.required) node.r = schema.required;
  if (schema.properties) {
    node.p = {};
    for (const [name, child] of Object.entries(schema.properties)) {
      if (name === 'status') continue;
      node.p[name] = compact(child);
    }
  }
  if (schema.items) node.i = compact(schema.items);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') node.a = compact(schema.additionalProperties);
  if (!node.p && !node.i) return node;
  const key = JSON.stringify(node);
  if (!index.has(key)) {
    index.set(key, table.length);
    table.push(node);
  }
  return { $: index.get(key) };
}

const roots = {};
for (const [kind, file] of Object.entries(files)) {
  const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS()).filter(Boolean);
  const crd = docs.find((d) => d.kind === 'CustomResourceDefinition');
  const version = crd.spec.versions.find((v) => v.name === 'v2');
  roots[kind] = compact(version.schema.openAPIV3Schema);
}
writeFileSync('src/editor/schema/cilium.json', JSON.stringify({ roots, table }));
console.log('wrote src/editor/schema/cilium.json', table.length, 'shared nodes');
