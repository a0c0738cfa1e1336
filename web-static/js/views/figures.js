import { api } from '../api.js';
import { h, pct } from '../dom.js';

// Reviewers' figures per task: a reviewer sees their own, a lead everyone's (the API decides which).
export async function figuresSection(tasks, lead) {
  const rows = [];
  for (const t of tasks) {
    const { reviewers } = await api('GET', `/v1/tasks/${encodeURIComponent(t.task)}/reviewers`);
    for (const r of reviewers) rows.push({ task: t.task, ...r });
  }
  if (!rows.length) return null;
  const seconds = (s) => (s === null ? '—' : `${s.toFixed(1)} s`);
  return h('section', { id: 'figures', class: 'card' },
    h('h2', {}, lead ? 'Reviewers' : 'Your figures'),
    h('table', { class: 'grid', id: 'figures-table' },
      h('thead', {}, h('tr', {}, [...(lead ? ['Reviewer'] : []), 'Task', 'Decisions', 'Median time per item', 'Agreement with the final decision',
        ...(lead ? ['Gold items right'] : [])]
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        lead ? h('td', {}, r.name ?? r.by) : null, h('td', {}, r.task), h('td', { class: 'num' }, r.decisions),
        h('td', { class: 'num' }, seconds(r.median_seconds)),
        h('td', { class: 'num' }, r.consensus_agreement === null ? '—' : `${pct(r.consensus_agreement)} of ${r.consensus_reviews}`),
        lead ? gold(r) : null)))));
}

// A reviewer's answers to gold items, whole and per field (leads only: reviewers never learn which items were gold).
function gold(r) {
  if (!r.gold_items) return h('td', { class: 'num gold' }, '—');
  const fields = Object.entries(r.gold_field_accuracy ?? {}).map(([pointer, share]) => `${pointer} ${pct(share)}`).join(', ');
  return h('td', { class: 'num gold' }, `${pct(r.gold_accuracy)} of ${r.gold_items}`, fields ? h('div', { class: 'muted' }, fields) : null);
}
