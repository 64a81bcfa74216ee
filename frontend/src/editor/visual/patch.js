// Applies a new plain value to a parsed YAML Document (the `yaml` package's Document API) by changing only the nodes
// whose value differs: equal subtrees keep their nodes, and so their comments, flow or block style, quoting and key
// order; a changed scalar keeps its node (and comment) and gets the new value; a new key is appended to its mapping;
// a list that gained or lost one item gains or loses exactly that item. docs/adr/023-visual-editor-form-model.md.
import { isMap, isScalar, isSeq, Scalar, visit } from 'yaml';

// Strings that YAML 1.1 readers (kubectl's, go-yaml v2) take for booleans: written quoted when the form writes them.
const YAML11_BOOLEAN = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;

function quoted(node) {
  if (isScalar(node)) {
    if (typeof node.value === 'string' && YAML11_BOOLEAN.test(node.value)) {
      node.type = Scalar.QUOTE_DOUBLE;
    }
    return node;
  }
  visit(node, { Scalar(_, scalar) {
    if (typeof scalar.value === 'string' && YAML11_BOOLEAN.test(scalar.value)) {
      scalar.type = Scalar.QUOTE_DOUBLE;
    }
  } });
  return node;
}

const create = (doc, value) => quoted(doc.createNode(value));

/** Deep equality of plain values (objects compared by their keys, whatever the order). */
export function same(a, b) {
  if (a === b) {
    return true;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  if (Array.isArray(a)) {
    return a.length === b.length && a.every((v, i) => same(v, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same(a[k], b[k]));
}

/**
 * Makes doc's contents equal to value, touching only what differs. old is the plain value the contents hold now
 * (Document#toJS() after reading, then the value of the previous patch): comparing plain values is much cheaper
 * than converting nodes back.
 */
export function patchDocument(doc, value, old) {
  if (doc.contents == null) {
    doc.contents = create(doc, value);
    return;
  }
  doc.contents = patchNode(doc, doc.contents, old, value);
}

// Returns the node to keep in place of node (node itself, patched, or a new node). old is node's plain value.
function patchNode(doc, node, old, value) {
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    if (node.value !== value) {
      node.value = value;
      // the written quoting stays (the stringifier quotes a plain string that would read as something else), unless
      // it was only there for an empty string; a block scalar only for text that has line breaks
      if (old === '' || ((node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED)
        && !String(value).includes('\n'))) {
        delete node.type;
      }
      delete node.format;
      delete node.source;
      quoted(node);
    }
    return node;
  }
  if (isMap(node) && isObject(old) && isObject(value)) {
    for (const pair of [...node.items]) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (!Object.prototype.hasOwnProperty.call(value, key)) {
        node.items.splice(node.items.indexOf(pair), 1);
      }
    }
    for (const [key, v] of Object.entries(value)) {
      const before = old[key];
      if (Object.prototype.hasOwnProperty.call(old, key) && same(before, v)) {
        continue;
      }
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) {
        node.items.push(doc.createPair(key, quoted(doc.createNode(v))));
      } else if (pair.value == null) {
        pair.value = v === null ? pair.value : create(doc, v);
      } else {
        pair.value = patchNode(doc, pair.value, before, v);
      }
    }
    return node;
  }
  if (isSeq(node) && Array.isArray(old) && Array.isArray(value) && old.length === node.items.length) {
    patchSeq(doc, node, old, value);
    return node;
  }
  const created = create(doc, value);
  if (node && created && typeof created === 'object') {
    created.commentBefore = node.commentBefore;
    created.comment = node.comment;
    if (node.flow && (isMap(created) || isSeq(created))) {
      created.flow = true;
    }
  }
  return created;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function patchSeq(doc, node, old, value) {
  // one item removed or inserted somewhere: remove or insert exactly that one, so the others keep their comments
  if (old.length === value.length + 1) {
    const at = firstDifference(old, value);
    if (old.slice(at + 1).every((v, i) => same(v, value[at + i]))) {
      node.items.splice(at, 1);
      return;
    }
  } else if (old.length + 1 === value.length) {
    const at = firstDifference(old, value);
    if (old.slice(at).every((v, i) => same(v, value[at + 1 + i]))) {
      node.items.splice(at, 0, create(doc, value[at]));
      return;
    }
  }
  const length = Math.min(old.length, value.length);
  for (let i = 0; i < length; i++) {
    if (!same(old[i], value[i])) {
      node.items[i] = patchNode(doc, node.items[i], old[i], value[i]);
    }
  }
  node.items.splice(value.length);
  for (let i = old.length; i < value.length; i++) {
    node.items.push(create(doc, value[i]));
  }
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && same(a[i], b[i])) {
    i++;
  }
  return i;
}

// ---------------------------------------------------------------- text

/**
 * Carries a change onto the user's own text. before and after are the stringifier's renderings of the document
 * before and after a patch, original is the text the user wrote (which the stringifier may render differently:
 * blank lines, indentation of lists, spacing). A three-way merge over lines: between lines common to all three,
 * a stretch the patch did not change keeps the original's lines, a stretch it changed takes the new lines.
 * Returns {text, conflict}: conflict when a changed stretch was also formatted differently by the user (then the
 * new lines may not fit the lines around them, and the caller checks that the text means the same as after).
 */
export function mergeText(original, before, after) {
  const o = original.split('\n');
  const b = before.split('\n');
  const a = after.split('\n');
  const bo = matches(b, o);
  const ba = matches(b, a);
  if (!bo || !ba) {
    return null;
  }
  const out = [];
  let conflict = false;
  let pb = 0;
  let po = 0;
  let pa = 0;
  for (let i = 0; i <= b.length; i++) {
    const end = i === b.length;
    if (!end && (bo[i] < 0 || ba[i] < 0)) {
      continue;
    }
    const oi = end ? o.length : bo[i];
    const ai = end ? a.length : ba[i];
    if (oi < po || ai < pa) {
      continue;
    }
    const bChunk = b.slice(pb, i);
    const oChunk = o.slice(po, oi);
    const aChunk = a.slice(pa, ai);
    if (equalLines(bChunk, aChunk)) {
      out.push(...oChunk);
    } else {
      conflict = conflict || !equalLines(bChunk, oChunk);
      out.push(...aChunk);
    }
    if (!end) {
      out.push(o[oi]);
    }
    pb = i + 1;
    po = oi + 1;
    pa = ai + 1;
  }
  return { text: out.join('\n'), conflict };
}

function equalLines(x, y) {
  return x.length === y.length && x.every((line, i) => line === y[i]);
}

// For each line of x, the index of the line of y it is matched with in a longest common subsequence, or -1.
function matches(x, y) {
  const result = new Array(x.length).fill(-1);
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) {
    result[start] = start;
    start++;
  }
  let ex = x.length;
  let ey = y.length;
  while (ex > start && ey > start && x[ex - 1] === y[ey - 1]) {
    ex--;
    ey--;
    result[ex] = ey;
  }
  const n = ex - start;
  const m = ey - start;
  if (n === 0 || m === 0) {
    return result;
  }
  if (n * m > 4_000_000) {
    return null;
  }
  const w = m + 1;
  const table = new Int32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * w + j] = x[start + i] === y[start + j] ? table[(i + 1) * w + j + 1] + 1
        : Math.max(table[(i + 1) * w + j], table[i * w + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[start + i] === y[start + j]) {
      result[start + i] = start + j;
      i++;
      j++;
    } else if (table[(i + 1) * w + j] >= table[i * w + j + 1]) {
      i++;
    } else {
      j++;
    }
  }
  return result;
}
