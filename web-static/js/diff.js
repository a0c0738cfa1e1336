import { h } from './dom.js';

// Every leaf that differs between the model output and the correction, by JSON pointer.
export function changes(before, after, pointer = '', out = []) {
  const isObj = (v) => v !== null && typeof v === 'object';
  if (isObj(before) && isObj(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) changes(before[key], after[key], `${pointer}/${key}`, out);
  } else if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push({ pointer: pointer || '/', before, after });
  }
  return out;
}

export function renderDiff(list) {
  if (!list.length) return h('p', { class: 'muted' }, 'No changes yet: edit a field to correct the model output.');
  const show = (v) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return h('table', { class: 'diff' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Model'), h('th', { scope: 'col' }, 'Correction'))),
    h('tbody', {}, list.map((c) => h('tr', {}, h('td', {}, c.pointer), h('td', { class: 'before' }, show(c.before)), h('td', { class: 'after' }, show(c.after))))));
}
