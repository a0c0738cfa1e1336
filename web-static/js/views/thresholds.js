import { api } from '../api.js';
import { h, replace, pct } from '../dom.js';
import { riskCoverage } from '../charts.js';

// Threshold science for one task: the risk–coverage curve with today's threshold and the recommendation,
// error rates per field with intervals, a what-if replay of candidate thresholds, and a banner while the task's
// auto-approvals are drifting above its alert.
export async function thresholdSection(app, task) {
  const name = encodeURIComponent(task);
  const [risk, fields, drift] = await Promise.all([
    api('GET', `/v1/tasks/${name}/risk-coverage`), api('GET', `/v1/tasks/${name}/fields`), api('GET', `/v1/tasks/${name}/drift`)]);
  const result = h('div', { id: 'what-if-result', role: 'status', 'aria-live': 'polite' });
  const threshold = h('input', { id: 'what-if-threshold', type: 'number', min: '0', max: '1', step: '0.01',
    value: String(risk.recommended?.threshold ?? risk.current_threshold) });
  const days = h('input', { id: 'what-if-days', type: 'number', min: '1', max: '366', step: '1', value: '30' });
  const form = h('form', { class: 'card inline', id: 'what-if-form', on: { submit: async (e) => {
    e.preventDefault();
    try {
      const o = await api('POST', `/v1/tasks/${name}/what-if`, { threshold: Number(threshold.value), days: Number(days.value) });
      replace(result, whatIfText(o));
    } catch (err) { app.flash(err.message); }
  } } },
    h('label', { for: 'what-if-threshold' }, 'What if the threshold were'), threshold,
    h('label', { for: 'what-if-days' }, 'over the last days'), days,
    h('button', { type: 'submit', class: 'primary' }, 'Replay'), result);
  return h('section', { id: 'threshold-science' },
    h('h2', {}, 'Threshold science'),
    driftBanner(drift),
    h('div', { class: 'charts' },
      h('figure', { class: 'card', id: 'risk-coverage' },
        h('figcaption', {}, 'Risk–coverage: share auto-approved and its error, per threshold'),
        riskCoverage({ title: 'Coverage and estimated error (95% interval) per threshold', points: risk.points,
          current: risk.current_threshold, recommended: risk.recommended?.threshold }),
        h('p', { id: 'recommendation' }, recommendationText(risk)))),
    h('h3', {}, 'Fields'),
    fieldsTable(fields),
    form);
}

// Shown from the check that raised task.drift until the window's error falls back under the target.
function driftBanner(drift) {
  if (!drift.drifting) return null;
  const [low, high] = drift.ci ?? [0, 0];
  return h('p', { class: 'flash', id: 'drift-banner', role: 'alert' },
    `Drift: ${pct(drift.error)} of the audited auto-approvals of the last ${drift.drift_alert.window_days} days were wrong `
    + `(95% interval ${pct(low)}–${pct(high)}, ${drift.n} audits), above the target of ${pct(drift.drift_alert.target_error)} `
    + `since ${new Date(drift.since).toLocaleString()}. Raise the threshold or look at what changed.`);
}

function recommendationText(risk) {
  const r = risk.recommended;
  if (!r) return `No recommendation: ${risk.why}.`;
  return `Recommended threshold ${r.threshold}: ${pct(r.coverage)} of items auto-approved, error at most ` +
    `${pct(r.error_upper)} (95% upper bound; target ${pct(risk.target_error)}). Today: ${risk.current_threshold}.`;
}

function fieldsTable(fields) {
  if (!fields.fields.length) return h('p', { class: 'muted', id: 'fields-table' }, 'No reviewed items yet.');
  return h('table', { class: 'grid', id: 'fields-table' },
    h('thead', {}, h('tr', {}, ['Field', 'Reviewed', 'Corrected', 'Correction rate (95% interval)', 'Suggested field threshold']
      .map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, fields.fields.map((f) => h('tr', {},
      h('td', { class: 'mono' }, f.pointer), h('td', { class: 'num' }, String(f.reviewed)), h('td', { class: 'num' }, String(f.corrected)),
      h('td', { class: 'num' }, f.correction_rate === null ? '—' : `${pct(f.correction_rate)} (${pct(f.ci[0])}–${pct(f.ci[1])})`),
      h('td', { title: f.why }, f.suggested_threshold === null ? '—' : String(f.suggested_threshold))))));
}

function whatIfText(o) {
  const expected = o.expected_errors
    ? `about ${o.expected_errors.estimate} errors expected among them (95%: ${o.expected_errors.ci[0]}–${o.expected_errors.ci[1]})`
    : 'no verdicts among them to estimate errors from';
  return `At ${o.threshold} over ${o.days} days: ${o.auto_now} of ${o.items} items auto-approved (then ${o.auto_then}); ` +
    `${o.newly_auto} newly auto-approved, ${o.newly_queued} newly queued; ${o.known_errors_let_through} corrected or ` +
    `rejected items would have gone through; ${expected}.`;
}
