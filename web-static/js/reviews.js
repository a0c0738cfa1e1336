import { h } from './dom.js';

// A disputed item's reviews side by side, for the lead: one column per review, one row per field, fields the reviews
// disagree on marked. "Decide like this" takes a review's decision as the lead's own.
export function reviewsPanel(reviews, onPick) {
  const flat = reviews.map((r) => (r.action === 'reject' ? new Map([['', `rejected: ${r.reason ?? 'no reason given'}`]]) : flatten(r.output)));
  const pointers = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const differs = (p) => new Set(flat.map((m) => JSON.stringify(m.get(p)))).size > 1;
  return h('section', { class: 'card', id: 'reviews', 'aria-labelledby': 'reviews-title' },
    h('h2', { id: 'reviews-title' }, `Reviews (${reviews.length}) — they disagree`),
    h('table', { class: 'grid reviews' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'),
        reviews.map((r, i) => h('th', { scope: 'col' }, `${r.by} · ${r.action}`,
          h('button', { type: 'button', class: 'small', id: `pick-${i}`, on: { click: () => onPick(r) } }, 'Decide like this'))))),
      h('tbody', {}, pointers.map((p) => h('tr', { class: differs(p) ? 'differs' : undefined, dataset: { pointer: p } },
        h('th', { scope: 'row' }, p || '(decision)', differs(p) ? h('span', { class: 'badge urgent' }, 'differs') : null),
        flat.map((m) => h('td', { class: 'mono' }, m.has(p) ? JSON.stringify(m.get(p)) : '—')))))));
}

/// Leaves of a JSON value by JSON pointer ('' for a scalar at the top).
function flatten(value, pointer = '', out = new Map()) {
  if (value !== null && typeof value === 'object' && Object.keys(value).length) {
    for (const [k, v] of Object.entries(value)) flatten(v, `${pointer}/${k}`, out);
  } else out.set(pointer, value);
  return out;
}
