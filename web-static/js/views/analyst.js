import { api } from '../api.js';
import { h, replace, pct } from '../dom.js';
import { stackedBars, horizontalBars, reliability } from '../charts.js';
import { renderValue } from '../json-tree.js';
import { thresholdSection } from './thresholds.js';
import { commentsPanel } from '../comments.js';
import { changes, renderDiff } from '../diff.js';

// Per task: charts of intake and decisions, a filterable item list, and item details with history.
export async function analystView(app, [first, second]) {
  if (first === 'item' && second) return itemDetail(app, second);
  const { tasks } = await api('GET', '/v1/tasks');
  if (!tasks.length) { replace(app.main, h('h1', {}, 'Analyst'), h('p', { class: 'muted' }, 'No tasks are defined yet.')); return; }
  const task = first ? decodeURIComponent(first) : tasks[0].name;
  const select = h('select', { id: 'task-select', on: { change: () => app.go(`#/analyst/${encodeURIComponent(select.value)}`) } },
    tasks.map((t) => h('option', { value: t.name, selected: t.name === task }, t.name)));
  const stats = await api('GET', `/v1/tasks/${encodeURIComponent(task)}/stats`);
  const days = stats.daily.map((d) => d.day.slice(5));
  const list = h('div', { id: 'item-list' });
  const status = h('select', { id: 'filter-status' }, ['', 'pending', 'in_review', 'approved', 'corrected', 'rejected'].map((s) => h('option', { value: s }, s || 'any status')));
  const prompt = h('input', { id: 'filter-prompt', type: 'text', placeholder: 'any prompt version' });
  const filters = h('form', { class: 'filters', on: { submit: (e) => { e.preventDefault(); loadItems(); } } },
    h('label', { for: 'filter-status' }, 'Status'), status, h('label', { for: 'filter-prompt' }, 'Prompt version'), prompt,
    h('button', { type: 'submit' }, 'Filter'));

  async function loadItems() {
    const q = new URLSearchParams({ task, limit: '50', order: 'desc' });
    if (status.value) q.set('status', status.value);
    if (prompt.value.trim()) q.set('prompt_version', prompt.value.trim());
    const { items } = await api('GET', `/v1/items?${q}`).catch((e) => { app.flash(e.message); return { items: [] }; });
    replace(list, h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Created', 'Status', 'Confidence', 'Prompt', 'Decided by', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((it) => h('tr', {},
        h('td', {}, new Date(it.created_at).toLocaleString()), h('td', {}, it.status + (it.audit ? ' (audit)' : '')),
        h('td', { class: 'num' }, pct(it.confidence)), h('td', {}, it.prompt_version ?? '—'), h('td', {}, it.decision?.by ?? '—'),
        h('td', {}, h('a', { href: `#/analyst/item/${it.id}` }, 'Details')))))));
  }

  replace(app.main,
    h('div', { class: 'review-head' }, h('h1', {}, 'Analyst'), h('label', { for: 'task-select' }, 'Task'), select),
    h('div', { class: 'kpis' },
      kpi('Waiting', stats.queue.waiting), kpi('In review', stats.queue.leased),
      kpi('Auto-approve rate', pct(stats.auto_approve_rate)), kpi('Items', stats.total)),
    h('div', { class: 'charts' },
      h('figure', { class: 'card' }, h('figcaption', {}, 'Auto-approved vs queued, per day'),
        stackedBars({ title: 'Auto-approved vs queued per day', labels: days, series: [
          { name: 'auto-approved', values: stats.daily.map((d) => d.auto_approved) },
          { name: 'queued', values: stats.daily.map((d) => d.queued) }] })),
      h('figure', { class: 'card' }, h('figcaption', {}, 'Queue depth at the end of each day'),
        stackedBars({ title: 'Queue depth per day', labels: days, series: [{ name: 'waiting or in review', values: stats.daily.map((d) => d.queue_depth) }] })),
      h('figure', { class: 'card' }, h('figcaption', {}, 'Human decisions, per day'),
        stackedBars({ title: 'Human decision mix per day', labels: days, series: [
          { name: 'approved', values: stats.daily.map((d) => d.approved) },
          { name: 'corrected', values: stats.daily.map((d) => d.corrected) },
          { name: 'rejected', values: stats.daily.map((d) => d.rejected) }] })),
      h('figure', { class: 'card' }, h('figcaption', {}, 'Decisions per reviewer'),
        horizontalBars({ title: 'Reviewer throughput', rows: stats.reviewers.map((r) => ({ label: r.reviewer, value: r.decisions })) })),
      h('figure', { class: 'card', id: 'reliability' }, h('figcaption', {}, 'Reliability: share approved unchanged per confidence band'),
        reliability({ title: 'Share of human-reviewed items approved unchanged, per confidence band', bands: stats.calibration.bands }),
        h('p', { id: 'suggested-threshold' }, suggestion(stats.calibration))),
      h('figure', { class: 'card' }, h('figcaption', {}, 'Correction rate per prompt version'),
        horizontalBars({ title: 'Correction rate per prompt version (%)', rows: stats.by_prompt_version.filter((v) => v.reviewed > 0)
          .map((v) => ({ label: v.prompt_version ?? '(none)', value: Math.round(v.correction_rate * 1000) / 10 })) }))),
    await thresholdSection(app, task).catch((e) => h('p', { class: 'muted', id: 'threshold-science' }, `Threshold science is unavailable: ${e.message}`)),
    exportForm(task),
    h('h2', {}, 'Items'), filters, list);
  await loadItems();
}

function suggestion(calibration) {
  const s = calibration.suggested_threshold;
  if (!s) return calibration.note ?? 'Not enough data for a suggestion yet.';
  return `Suggested threshold ${s.threshold}: estimated error ${pct(s.estimated_error)} among auto-approved items ` +
    `(95% upper bound ${pct(s.wilson_upper)}, ${s.sample_size} human verdicts; target ${pct(calibration.target_error)}).`;
}

/// A plain GET form: the browser downloads the streamed file itself, whatever its size.
function exportForm(task) {
  return h('form', { class: 'card inline', id: 'export-form', method: 'get', action: '/v1/export' },
    h('input', { type: 'hidden', name: 'task', value: task }),
    h('label', { for: 'export-format' }, 'Export format'),
    h('select', { id: 'export-format', name: 'format' }, ['jsonl', 'csv', 'chat'].map((f) => h('option', { value: f }, f))),
    h('label', { for: 'export-since' }, 'Decided from'), h('input', { id: 'export-since', name: 'since', type: 'date' }),
    h('label', { for: 'export-until' }, 'until'), h('input', { id: 'export-until', name: 'until', type: 'date' }),
    h('button', { type: 'submit', class: 'primary' }, 'Download'));
}

/// What the decision changed, as its RFC 6902 patch: one row per operation.
function patchTable(changes) {
  if (changes === undefined || changes === null) return h('p', { class: 'muted', id: 'changes' }, 'No final output (undecided or rejected).');
  if (!changes.length) return h('p', { class: 'muted', id: 'changes' }, 'Approved unchanged.');
  return h('table', { class: 'grid', id: 'changes' },
    h('thead', {}, h('tr', {}, ['Operation', 'Field', 'New value'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, changes.map((op) => h('tr', {}, h('td', {}, op.op), h('td', { class: 'mono' }, op.path || '/'),
      h('td', { class: 'mono' }, op.value === undefined ? '' : JSON.stringify(op.value))))));
}

const kpi = (label, value) => h('div', { class: 'kpi card' }, h('div', { class: 'kpi-value' }, String(value)), h('div', { class: 'muted' }, label));

async function itemDetail(app, id) {
  const [item, history] = await Promise.all([api('GET', `/v1/items/${id}`), api('GET', `/v1/items/${id}/history`)]);
  replace(app.main,
    h('p', {}, h('a', { href: `#/analyst/${encodeURIComponent(item.task)}` }, `← ${item.task}`)),
    h('h1', {}, `Item ${item.id}`),
    h('p', {}, `Status ${item.status}${item.audit ? ' (audit sample)' : ''} · confidence ${pct(item.confidence)}`),
    h('div', { class: 'review' },
      h('section', { class: 'card' }, h('h2', {}, 'Input'), renderValue(item.input)),
      h('section', { class: 'card' }, h('h2', {}, 'Model output'), renderValue(item.output),
        h('h2', {}, 'Final output'), item.final_output === null ? h('p', { class: 'muted' }, 'none') : renderValue(item.final_output))),
    h('h2', {}, 'Changes'), patchTable(item.decision?.changes),
    // The same side-by-side, word-by-word view the reviewer had while correcting.
    item.decision?.changes?.length ? h('div', { id: 'history-diff' }, renderDiff(changes(item.output, item.final_output))) : null,
    commentsPanel(app, item.id),
    h('h2', {}, 'History'),
    h('table', { class: 'grid', id: 'history' },
      h('thead', {}, h('tr', {}, ['When', 'Event', 'Actor', 'Time spent', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, history.events.map((e) => h('tr', {},
        h('td', {}, new Date(e.at).toLocaleString()), h('td', {}, e.event), h('td', {}, e.actor_name ? `${e.actor_name} (${e.actor})` : e.actor),
        h('td', {}, e.duration_ms === null ? '' : `${(e.duration_ms / 1000).toFixed(1)} s`),
        h('td', { class: 'mono' }, JSON.stringify(e.details)))))));
}
