// Completion of field names and enum values, and each field's description on hover, from the schemas
// (schema/index.js), by the YAML path at the cursor (yaml-path.js).
import { hoverTooltip } from '@codemirror/view';
import { KINDS, nodeAt, resolve } from './schema/index.js';
import { kindAt, parentPath, readLine } from './yaml-path.js';

const API_VERSIONS = { CiliumNetworkPolicy: 'cilium.io/v2', CiliumClusterwideNetworkPolicy: 'cilium.io/v2',
  NetworkPolicy: 'networking.k8s.io/v1' };

function typeName(node) {
  if (!node) {
    return '';
  }
  if (node.t === 'array') {
    const items = resolve(node.i);
    return `list of ${items?.t ?? 'values'}`;
  }
  return node.t ?? '';
}

function info(node) {
  const parts = [];
  if (node.d) {
    parts.push(node.d);
  }
  const values = node.e ?? resolve(node.i)?.e;
  if (values) {
    parts.push(`One of: ${values.join(', ')}.`);
  }
  return parts.join('\n\n');
}

/** Values a field takes from a fixed set, null when it is free. */
function valuesFor(kind, path, key) {
  if (path.length === 0 && key === 'kind') {
    return KINDS;
  }
  if (path.length === 0 && key === 'apiVersion') {
    return [...new Set(Object.values(API_VERSIONS))];
  }
  const node = nodeAt(kind, [...path, key]);
  if (node?.e) {
    return node.e;
  }
  if (node?.t === 'boolean') {
    return ['true', 'false'];
  }
  return null;
}

/** The completion source: field names where a key is being written, values after `key: `. */
export function schemaCompletion(context) {
  const { state, pos } = context;
  const line = state.doc.lineAt(pos);
  const before = line.text.slice(0, pos - line.from);
  if (before.trimStart().startsWith('#') || /#/.test(before.replace(/"[^"]*"|'[^']*'/g, ''))) {
    return null;
  }
  const kind = kindAt(state.doc, line.number) ?? 'CiliumNetworkPolicy';
  const head = readLine(before);
  // `key: val|`: a value
  const valueMatch = /^([A-Za-z0-9_.\-/]+):\s+(["']?)([^\s"']*)$/.exec(before.slice(head.col));
  if (valueMatch) {
    const path = parentPath(state.doc, line.number, head.col, head.dashes);
    const values = valuesFor(kind, path, valueMatch[1]);
    if (!values) {
      return null;
    }
    return {
      from: pos - valueMatch[3].length,
      options: values.map((value) => ({ label: value, type: 'enum' })),
      validFor: /^[\w.\-/]*$/,
    };
  }
  // `  partial|` or `- partial|`: a field name (or an enum item of a list of values)
  const keyMatch = /^([A-Za-z0-9_.-]*)$/.exec(before.slice(head.col));
  if (!keyMatch || (!context.explicit && keyMatch[1] === '' && head.dashes.length === 0)) {
    return null;
  }
  const path = parentPath(state.doc, line.number, head.col, head.dashes);
  const from = pos - keyMatch[1].length;
  if (path.length === 0 && head.dashes.length === 0) {
    const root = nodeAt(kind, []);
    return { from, options: fieldOptions(root), validFor: /^[\w.-]*$/ };
  }
  const node = nodeAt(kind, path);
  if (!node) {
    return null;
  }
  if (!node.p && node.e) {
    return { from, options: node.e.map((value) => ({ label: value, type: 'enum' })), validFor: /^[\w.\-/]*$/ };
  }
  if (!node.p) {
    return null;
  }
  return { from, options: fieldOptions(node), validFor: /^[\w.-]*$/ };
}

function fieldOptions(node) {
  return Object.entries(node.p ?? {}).map(([name, child]) => {
    const field = resolve(child);
    return {
      label: name,
      type: 'property',
      detail: typeName(field),
      info: info(field) || undefined,
      apply: `${name}: `,
      boost: (node.r ?? []).includes(name) ? 1 : 0,
    };
  });
}

/** The field under the pointer: its path, type, description and allowed values. */
export const schemaHover = hoverTooltip((view, pos) => {
  const line = view.state.doc.lineAt(pos);
  const head = readLine(line.text);
  if (head.key === null) {
    return null;
  }
  const keyStart = line.from + head.col;
  const keyEnd = keyStart + head.key.length;
  if (pos < keyStart || pos > keyEnd) {
    return null;
  }
  const kind = kindAt(view.state.doc, line.number) ?? 'CiliumNetworkPolicy';
  const path = [...parentPath(view.state.doc, line.number, head.col, head.dashes), head.key];
  const node = nodeAt(kind, path);
  if (!node || !(node.d || node.e)) {
    return null;
  }
  return {
    pos: keyStart,
    end: keyEnd,
    above: true,
    create() {
      const dom = document.createElement('div');
      dom.className = 'cm-field-help';
      const title = document.createElement('strong');
      title.textContent = path.filter((step) => step !== '[]').join('.');
      const type = document.createElement('span');
      type.className = 'cm-field-type';
      type.textContent = ` ${typeName(node)}`;
      const text = document.createElement('p');
      text.textContent = info(node);
      dom.append(title, type, text);
      return { dom };
    },
  };
});
