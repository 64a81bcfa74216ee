// Small DOM builders for the visual pane: every control gets a visible label (or an aria-label) and a stable data-vp
// key, so that re-rendering the pane can give focus back to the control the user was on. No style attributes (CSP).
let counter = 0;

export function uid(prefix = 'vp') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** h('div', {class, text, attrs: {...}, on: {click}}, ...children) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  if (props.class) {
    el.className = props.class;
  }
  if (props.text !== undefined) {
    el.textContent = props.text;
  }
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value !== undefined && value !== null && value !== false) {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const [name, fn] of Object.entries(props.on ?? {})) {
    el.addEventListener(name, fn);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      el.append(child);
    }
  }
  return el;
}

/** A labelled text input; onInput(value) on every keystroke. */
export function textField(label, value, onInput, { key, placeholder, hint, wide, mono } = {}) {
  const id = uid();
  const input = h('input', { class: mono === false ? '' : 'vp-mono', attrs: { id, type: 'text', 'data-vp': key,
    placeholder, spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off' },
  on: { input: (e) => onInput(e.target.value) } });
  input.value = value ?? '';
  return h('div', { class: `vp-field${wide ? ' vp-wide' : ''}` }, h('label', { text: label, attrs: { for: id } }), input,
    hint ? h('span', { class: 'vp-hint', text: hint }) : null);
}

/** A labelled select of [value, text] options; onChange(value). */
export function selectField(label, options, value, onChange, { key, disabled } = {}) {
  const id = uid();
  const select = h('select', { attrs: { id, 'data-vp': key, disabled }, on: { change: (e) => onChange(e.target.value) } },
    options.map(([v, text]) => h('option', { text, attrs: { value: v } })));
  select.value = value ?? '';
  return h('div', { class: 'vp-field' }, h('label', { text: label, attrs: { for: id } }), select);
}

export function checkbox(label, checked, onChange, { key } = {}) {
  const id = uid();
  const input = h('input', { attrs: { id, type: 'checkbox', 'data-vp': key }, on: { change: (e) => onChange(e.target.checked) } });
  input.checked = Boolean(checked);
  return h('div', { class: 'vp-check' }, input, h('label', { text: label, attrs: { for: id } }));
}

/** A button (type=button: never submits the editor's form). label = accessible name when it differs from text. */
export function button(text, onClick, { label, key, kind } = {}) {
  return h('button', { class: `vp-button${kind ? ` vp-${kind}` : ''}`, text,
    attrs: { type: 'button', 'aria-label': label, 'data-vp': key }, on: { click: onClick } });
}
