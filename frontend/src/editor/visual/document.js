// The text ↔ document ↔ form model cycle of the visual pane. load() parses the text once into a yaml Document and the
// form model; update() writes a changed model back by patching that Document (patch.js) and carrying the change onto
// the user's text (mergeText), so comments and formatting elsewhere stay as they were.
import { parseAllDocuments, visit } from 'yaml';
import { readPolicy, writePolicy } from './model.js';
import { mergeText, patchDocument, same } from './patch.js';

/** Texts larger than this are left to the YAML pane (the form would be no help on them anyway). */
export const MAX_TEXT = 512 * 1024;

function lineOf(text, offset) {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
    }
  }
  return line;
}

// The stringifier's options that best match the user's text: its indentation step and whether "- " items are
// indented under their key.
function styleOf(text) {
  const lines = text.split('\n');
  let indent = 0;
  let indentSeq = true;
  let seenSeq = false;
  for (let i = 0; i < lines.length; i++) {
    const m = /^( +)\S/.exec(lines[i]);
    if (m && !lines[i].trimStart().startsWith('#') && (indent === 0 || m[1].length < indent)) {
      indent = m[1].length;
    }
    const key = /^( *)(- )?[^\s#][^:]*:\s*$/.exec(lines[i]);
    if (!seenSeq && key && i + 1 < lines.length) {
      const item = /^( *)- /.exec(lines[i + 1]);
      if (item) {
        seenSeq = true;
        indentSeq = item[1].length > key[1].length + (key[2] ? 2 : 0);
      }
    }
  }
  return { indent: Math.min(Math.max(indent || 2, 2), 8), indentSeq, lineWidth: 0, minContentWidth: 0 };
}

/**
 * Reads text. Returns {status, message, problems, kept, model, ...}: status 'empty' (no text), 'invalid' (not YAML,
 * or not one policy the form can show; message says why, problems lists fields) or 'ok'.
 */
export function load(text) {
  if (text.trim() === '') {
    return { status: 'empty', text };
  }
  if (text.length > MAX_TEXT) {
    return { status: 'invalid', text, message: `The text is larger than ${MAX_TEXT / 1024} KB: edit it in the YAML pane.` };
  }
  // many documents (a pasted bundle): say so without parsing them all
  const separators = text.match(/^---(?=\s|$)/gm)?.length ?? 0;
  if (separators > 3) {
    return { status: 'invalid', text, message: `The text holds ${separators} or more documents; the visual editor shows one policy.` };
  }
  let docs;
  try {
    docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    return { status: 'invalid', text, message: 'The YAML cannot be read.' };
  }
  if (!Array.isArray(docs)) {
    docs = [];
  }
  const nonEmpty = docs.filter((d) => d.contents !== null || d.errors.length);
  for (const d of nonEmpty) {
    if (d.errors.length) {
      const error = d.errors[0];
      const line = lineOf(text, error.pos?.[0] ?? 0);
      return { status: 'invalid', text, message: `The YAML cannot be read (line ${line}): ${error.message.split('\n')[0]}` };
    }
  }
  if (nonEmpty.length === 0) {
    return { status: 'empty', text };
  }
  if (nonEmpty.length > 1) {
    return { status: 'invalid', text, message: `The text holds ${nonEmpty.length} documents; the visual editor shows one policy.` };
  }
  const doc = nonEmpty[0];
  let alias = false;
  visit(doc, { Alias() {
    alias = true;
    return visit.BREAK;
  } });
  if (alias) {
    return { status: 'invalid', text, message: 'The YAML uses anchors and aliases (*name), which the visual editor does not edit.' };
  }
  const value = doc.toJS();
  const { model, problems, kept } = readPolicy(value);
  if (!model || problems.length) {
    return { status: 'invalid', text, problems, kept, message: model ? 'The visual editor cannot show every field of this policy.'
      : problems[0].message };
  }
  const style = styleOf(text);
  // value: what the document holds, as the model writes it (equal to doc.toJS(), but not shared with the model)
  return { status: 'ok', text, doc, value: writePolicy(model), model, problems, kept, style, rendered: doc.toString(style) };
}

/**
 * Writes loaded.model (changed by the form) into the text: patches the Document, merges the change into the user's
 * text, and returns the new text (loaded is updated to it).
 */
export function update(loaded) {
  const value = writePolicy(loaded.model);
  patchDocument(loaded.doc, value, loaded.value);
  const after = loaded.doc.toString(loaded.style);
  const merged = mergeText(loaded.text, loaded.rendered, after);
  let text = merged === null ? after : merged.text;
  // lines the user formatted differently next to a change: keep the merge only if it still means the same
  if (merged !== null && merged.conflict && !meansSame(text, value)) {
    text = after;
  }
  loaded.value = value;
  loaded.rendered = after;
  loaded.text = text;
  return text;
}

function meansSame(text, value) {
  try {
    const docs = parseAllDocuments(text);
    return Array.isArray(docs) && docs.length === 1 && docs[0].errors.length === 0 && same(docs[0].toJS(), value);
  } catch (error) {
    return false;
  }
}

/**
 * For tests: reads text and writes the model again, both from scratch (writePolicy alone, stringified anew) and by
 * patching the parsed document (what the pane does). Returns one entry per document.
 */
export function roundTrip(text) {
  const docs = parseAllDocuments(text);
  return (Array.isArray(docs) ? docs : []).filter((d) => d.contents !== null).map((doc) => {
    if (doc.errors.length) {
      return { kind: null, policy: false, problems: [{ path: '', message: doc.errors[0].message }] };
    }
    const value = doc.toJS();
    const { model, problems, kept } = readPolicy(value);
    if (!model) {
      return { kind: value?.kind ?? null, policy: false, problems };
    }
    // the document's own text (its range in the file), so that formatting is compared with what the user wrote
    const loaded = load(text.slice(doc.range[0], doc.range[2]));
    const written = writePolicy(model);
    let patched = null;
    let edited = null;
    let editedExpected = null;
    if (loaded.status === 'ok') {
      patched = update(loaded);
      const m = loaded.model;
      m.top.metadata = { ...(m.top.metadata ?? {}), name: `${m.top.metadata?.name ?? 'policy'}-edited` };
      const subject = m.kind === 'NetworkPolicy' ? m.np.podSelector : (m.spec ?? m.specs?.[0])?.subject;
      if (subject) {
        subject.matchLabels = [...(subject.matchLabels ?? []), { key: 'edited', value: 'yes' }];
      }
      edited = update(loaded);
      editedExpected = JSON.stringify(writePolicy(m));
    }
    return { kind: model.kind, policy: true, problems, kept, written: JSON.stringify(written), patched, edited, editedExpected };
  });
}
