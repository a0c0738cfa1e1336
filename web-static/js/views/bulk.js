import { api } from '../api.js';
import { h, replace, pct } from '../dom.js';

// Bulk approval from the queue: filter one task's waiting items, preview exactly which would be approved (their ids
// are frozen then), confirm that count, and undo within 60 s.
export function bulkSection(app, tasks, refresh) {
  const task = h('select', { id: 'bulk-task' }, tasks.map((t) => h('option', { value: t.task }, t.task)));
  const prompt = h('input', { id: 'bulk-prompt', placeholder: 'any' });
  const low = h('input', { id: 'bulk-min', type: 'number', min: '0', max: '1', step: '0.01', placeholder: '0' });
  const high = h('input', { id: 'bulk-max', type: 'number', min: '0', max: '1', step: '0.01', placeholder: '1' });
  const words = h('input', { id: 'bulk-text', placeholder: 'words in the input' });
  const result = h('div', { id: 'bulk-result', role: 'status', 'aria-live': 'polite' });
  const number = (input) => (input.value === '' ? null : Number(input.value));

  async function preview(e) {
    e.preventDefault();
    try {
      const p = await api('POST', '/v1/review/bulk', { task: task.value, prompt_version: prompt.value || null,
        min_confidence: number(low), max_confidence: number(high), text: words.value || null });
      if (!p.id) { replace(result, h('p', {}, `Nothing to approve: no waiting item matches${p.excluded_invalid ? ` (${p.excluded_invalid} invalid against the schema)` : ''}.`)); return; }
      replace(result,
        h('p', { id: 'bulk-count' }, `${p.count} items match`,
          p.excluded_invalid ? `; ${p.excluded_invalid} more are invalid against the schema and are left out` : '', '.'),
        h('table', { class: 'grid', id: 'bulk-preview' },
          h('thead', {}, h('tr', {}, ['Confidence', 'Input'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, p.items.map((i) => h('tr', {}, h('td', { class: 'num' }, pct(i.confidence)), h('td', {}, i.excerpt))))),
        p.count > p.items.length ? h('p', { class: 'muted' }, `… and ${p.count - p.items.length} more.`) : null,
        h('button', { type: 'button', class: 'primary', id: 'bulk-approve', on: { click: () => approve(p) } }, `Approve these ${p.count} items`));
    } catch (err) { app.flash(err.message); }
  }

  async function approve(p) {
    try {
      const done = await api('POST', `/v1/review/bulk/${p.id}/approve`, { count: p.count });
      const undo = h('button', { type: 'button', id: 'bulk-undo', on: { click: async () => {
        try {
          const back = await api('POST', `/v1/review/bulk/${p.id}/undo`);
          clearInterval(timer);
          await refresh();
          app.flash(`${back.reopened} items are back in the queue.`, 'ok');
        } catch (err) { app.flash(err.message); }
      } } }, 'Undo');
      const left = h('span', { id: 'bulk-undo-left' });
      const until = new Date(done.undo_until).getTime();
      const tick = () => {
        const s = Math.max(0, Math.round((until - Date.now()) / 1000));
        left.textContent = ` (${s} s)`;
        if (s === 0) { clearInterval(timer); undo.disabled = true; }
      };
      const timer = setInterval(tick, 1000);
      tick();
      replace(result, h('p', { id: 'bulk-done' }, `Approved ${done.approved} items`,
        done.skipped ? `; ${done.skipped} had been claimed or decided since the preview and were left alone` : '', '. '), undo, left);
    } catch (err) { app.flash(err.message); }
  }

  return h('section', { id: 'bulk', class: 'card' },
    h('h2', {}, 'Bulk approve'),
    h('form', { class: 'inline', id: 'bulk-form', on: { submit: preview } },
      h('label', { for: 'bulk-task' }, 'Task'), task, h('label', { for: 'bulk-prompt' }, 'Prompt version'), prompt,
      h('label', { for: 'bulk-min' }, 'Confidence from'), low, h('label', { for: 'bulk-max' }, 'to'), high,
      h('label', { for: 'bulk-text' }, 'Input contains'), words, h('button', { type: 'submit' }, 'Preview')),
    result);
}
