import { h, uid, replace } from './dom.js';
import { renderMarkdown } from './markdown.js';

// An editable form generated from a JSON Schema: objects, arrays (add/remove), strings, numbers,
// booleans, enums as selects. Every control carries the JSON pointer of its value in data-pointer.
export function buildForm(schema, value, pointer = '', label = 'output') {
  schema = schema === true || schema === undefined ? {} : schema;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (schema.enum) return enumField(schema, value, pointer, label);
  if (type === 'object' || (!type && schema.properties)) return objectField(schema, value ?? {}, pointer, label);
  if (type === 'array') return arrayField(schema, value ?? [], pointer, label);
  if (type === 'boolean') return booleanField(value, pointer, label);
  if (type === 'number' || type === 'integer') return scalarField(value, pointer, label, 'number');
  if (type === 'string' && isLongText(schema, value)) return textField(schema, value, pointer, label);
  if (type === 'string') return scalarField(value, pointer, label, 'string', schema.format);
  return jsonField(value, pointer, label);
}

const esc = (key) => String(key).replaceAll('~', '~0').replaceAll('/', '~1');

function wrap(pointer, label, control, id) {
  return h('div', { class: 'field', dataset: { field: pointer } },
    h('label', { for: id }, label), control, h('div', { class: 'field-error', role: 'alert', dataset: { errorFor: pointer } }));
}

function scalarField(value, pointer, label, kind, format) {
  const id = uid();
  const input = h('input', { id, type: 'text', inputmode: kind === 'number' ? 'decimal' : undefined,
                             placeholder: format ?? '', value: value === undefined || value === null ? '' : String(value),
                             dataset: { pointer, kind } });
  return { element: wrap(pointer, label, input, id), read: () => readScalar(input, kind, value) };
}

// Text a one-line input would hide: long by schema (maxLength over 200, a textarea or markdown hint) or by value
// (a line break, over 120 characters).
const isMarkdown = (schema) => schema.contentMediaType === 'text/markdown' || schema['x-loupe-widget'] === 'markdown';
function isLongText(schema, value) {
  return (schema.maxLength ?? 0) > 200 || schema['x-loupe-widget'] === 'textarea' || isMarkdown(schema)
    || (typeof value === 'string' && (value.includes('\n') || value.length > 120));
}

// An auto-growing textarea; markdown is shown rendered beside it (safely: see markdown.js) as it is edited.
function textField(schema, value, pointer, label) {
  const id = uid();
  const area = h('textarea', { id, rows: 4, class: 'grow', dataset: { pointer, kind: 'string' } });
  area.value = value === undefined || value === null ? '' : String(value);
  const grow = () => { area.style.height = 'auto'; area.style.height = `${area.scrollHeight + 2}px`; };
  area.addEventListener('input', grow);
  requestAnimationFrame(grow);
  const parts = [area];
  if (isMarkdown(schema)) {
    const preview = h('div', { class: 'markdown-preview', dataset: { previewFor: pointer }, 'aria-label': `${label}, rendered` });
    const render = () => replace(preview, renderMarkdown(area.value));
    area.addEventListener('input', render);
    render();
    parts.push(preview);
  }
  return { element: wrap(pointer, label, h('div', { class: isMarkdown(schema) ? 'long-text side-by-side' : 'long-text' }, parts), id),
           read: () => readScalar(area, 'string', value) };
}

function readScalar(input, kind, original) {
  const text = input.value;
  if (kind !== 'number') return text === '' && (original === null || original === undefined) ? original : text;
  if (text.trim() === '') return null;
  const n = Number(text);
  // Kept as text when it is not a number, so validation can say so instead of silently dropping it.
  return Number.isFinite(n) ? n : text;
}

function booleanField(value, pointer, label) {
  const id = uid();
  const input = h('input', { id, type: 'checkbox', checked: value === true, dataset: { pointer } });
  return { element: wrap(pointer, label, input, id), read: () => input.checked };
}

function enumField(schema, value, pointer, label) {
  const id = uid();
  const select = h('select', { id, dataset: { pointer } },
    schema.enum.map((option, i) => h('option', { value: String(i), selected: JSON.stringify(option) === JSON.stringify(value) },
      typeof option === 'string' ? option : JSON.stringify(option))));
  if (!schema.enum.some((o) => JSON.stringify(o) === JSON.stringify(value))) {
    select.prepend(h('option', { value: '', selected: true }, `(model: ${JSON.stringify(value)})`));
  }
  return { element: wrap(pointer, label, select, id), read: () => (select.value === '' ? value : schema.enum[Number(select.value)]) };
}

function jsonField(value, pointer, label) {
  const id = uid();
  const area = h('textarea', { id, rows: 3, dataset: { pointer, kind: 'json' } }, JSON.stringify(value ?? null, null, 2));
  return { element: wrap(pointer, label, area, id), read: () => { try { return JSON.parse(area.value); } catch { return area.value; } } };
}

function objectField(schema, value, pointer, label) {
  const props = schema.properties ?? {};
  const keys = [...Object.keys(props), ...Object.keys(value).filter((k) => !(k in props))];
  const children = keys.map((key) => [key, buildForm(props[key] ?? schema.additionalProperties ?? {}, value[key], `${pointer}/${esc(key)}`, key)]);
  const element = h('fieldset', { class: 'object', dataset: { field: pointer } },
    h('legend', {}, label), children.map(([, c]) => c.element),
    h('div', { class: 'field-error', role: 'alert', dataset: { errorFor: pointer } }));
  return {
    element,
    read: () => {
      const out = {};
      for (const [key, child] of children) {
        const v = child.read();
        if (v !== undefined && !(v === null && value[key] === undefined && !(schema.required ?? []).includes(key))) out[key] = v;
      }
      return out;
    },
  };
}

function arrayField(schema, value, pointer, label) {
  const list = h('ol', { class: 'array-items' });
  const rows = [];
  const element = h('fieldset', { class: 'array', dataset: { field: pointer } }, h('legend', {}, label), list,
    h('button', { type: 'button', class: 'small', on: { click: () => add(undefined) } }, `Add ${label} item`),
    h('div', { class: 'field-error', role: 'alert', dataset: { errorFor: pointer } }));
  function add(item) {
    const index = rows.length;
    const child = buildForm(Array.isArray(schema.prefixItems) ? schema.prefixItems[index] ?? schema.items : schema.items,
                            item, `${pointer}/${index}`, `${label} ${index + 1}`);
    const row = { child, li: null };
    row.li = h('li', {}, child.element, h('button', { type: 'button', class: 'small remove',
      on: { click: () => { rows.splice(rows.indexOf(row), 1); row.li.remove(); } } }, 'Remove'));
    rows.push(row);
    list.append(row.li);
  }
  value.forEach(add);
  return { element, read: () => rows.map((r) => r.child.read()) };
}
