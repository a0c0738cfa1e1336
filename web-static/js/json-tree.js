import { h } from './dom.js';

// Input rendered readably: text as text, JSON as a collapsible tree.
export function renderValue(value) {
  if (typeof value === 'string') return h('pre', { class: 'text-input' }, value);
  return h('div', { class: 'tree' }, node(null, value, 0));
}

function node(key, value, depth) {
  const label = key === null ? null : h('span', { class: 'key' }, `${key}: `);
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
    return h('details', { open: depth < 2 },
      h('summary', {}, label, h('span', { class: 'muted' }, summary)),
      h('ul', {}, entries.map(([k, v]) => h('li', {}, node(k, v, depth + 1)))));
  }
  return h('span', {}, label, h('span', { class: `leaf ${value === null ? 'null' : typeof value}` }, JSON.stringify(value)));
}
