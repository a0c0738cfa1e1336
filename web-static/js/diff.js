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
  const cells = (c) => {
    if (typeof c.before !== 'string' || typeof c.after !== 'string') {
      return [h('td', { class: 'before' }, show(c.before)), h('td', { class: 'after' }, show(c.after))];
    }
    const parts = wordDiff(c.before, c.after);
    return [h('td', { class: 'before text' }, parts.filter((p) => p.op !== 'add').map((p) => (p.op === 'del' ? h('del', {}, p.text) : p.text))),
            h('td', { class: 'after text' }, parts.filter((p) => p.op !== 'del').map((p) => (p.op === 'add' ? h('ins', {}, p.text) : p.text)))];
  };
  return h('table', { class: 'diff' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Model'), h('th', { scope: 'col' }, 'Correction'))),
    h('tbody', {}, list.map((c) => h('tr', {}, h('td', {}, c.pointer), cells(c)))));
}

/// Word-level diff of two texts (longest common subsequence of words and the spaces between them): runs of
/// {op: 'same' | 'del' | 'add', text}. Texts past 4,000 tokens each are compared whole, to keep the work bounded.
export function wordDiff(before, after) {
  const a = before.split(/(\s+)/).filter((t) => t !== ''), b = after.split(/(\s+)/).filter((t) => t !== '');
  if (a.length * b.length > 16e6) return [{ op: 'del', text: before }, { op: 'add', text: after }];
  const n = a.length, m = b.length, lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  const push = (op, text) => { if (out.length && out[out.length - 1].op === op) out[out.length - 1].text += text; else out.push({ op, text }); };
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { push('same', a[i]); i++; j++; } else if (lcs[i + 1][j] >= lcs[i][j + 1]) push('del', a[i++]); else push('add', b[j++]);
  }
  while (i < n) push('del', a[i++]);
  while (j < m) push('add', b[j++]);
  return out;
}
