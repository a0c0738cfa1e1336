import { api } from '../api.js';
import { h, replace, pct } from '../dom.js';
import { renderValue } from '../json-tree.js';
import { buildForm } from '../schema-form.js';
import { validate } from '../validate.js';
import { changes, renderDiff } from '../diff.js';
import { shortcutsHelp, isTyping } from '../shortcuts.js';
import { commentsPanel } from '../comments.js';
import { reviewsPanel } from '../reviews.js';

// The review screen: one leased item at a time, decided with the keyboard or the buttons. With `disputed` (leads) it
// adjudicates: disputed items, every review beside the output.
export async function reviewView(app, [taskParam], { disputed = false } = {}) {
  const task = taskParam ? decodeURIComponent(taskParam) : undefined;
  const claimBody = (extra = {}) => ({ ...(task ? { task } : {}), ...(disputed ? { disputed: true } : {}), ...extra });
  let item = null, form = null, editing = false, timers = [];
  // The next item, claimed in the background under a short lease while this one is reviewed, so it shows without a
  // round trip; its lease is extended to the task's only when it is shown, and it is released when the page goes.
  let prefetched = null, prefetching = null;
  const stopTimers = () => { timers.forEach(clearInterval); timers = []; };

  async function next(skipped) {
    stopTimers();
    if (skipped) await api('POST', `/v1/items/${skipped}/release`).catch((e) => app.flash(e.message));
    if (prefetched && prefetched.id !== skipped) return show(prefetched);
    const leases = skipped ? { leases: [] } : await api('GET', '/v1/review/leases');
    const resumed = leases.leases.find((l) => (!task || l.task === task) && l.id !== prefetched?.id && (l.status === 'disputed') === disputed);
    item = resumed ?? await api('POST', '/v1/review/claim', claimBody());
    editing = false;
    item ? render() : renderEmpty();
    if (item) prefetch();
  }

  function show(claimed) {
    prefetched = null;
    item = claimed;
    editing = false;
    render();
    // Now it is shown: the task's full lease. Someone else may have taken it after its short lease ran out.
    api('POST', `/v1/items/${item.id}/lease`).then((lease) => { if (item?.id === claimed.id) item.lease_expires_at = lease.lease_expires_at; })
      .catch(() => { if (item?.id === claimed.id) next().catch((e) => app.flash(e.message)); });
    prefetch();
  }

  function prefetch() {
    if (prefetched || prefetching) return;
    prefetching = api('POST', '/v1/review/claim', claimBody({ lease_seconds: 120 }))
      .then((claimed) => {
        if (!claimed || claimed.id === item?.id) return;
        prefetched = claimed;
        // Shows (to people reading the page source, and to the browser test) that the next item is ready.
        const review = app.main.querySelector('#review');
        if (review) review.dataset.nextReady = 'true';
      })
      .catch(() => {})
      .finally(() => { prefetching = null; });
  }

  // A prefetched item nobody saw goes back to the queue when the page, the screen or the session ends.
  function releasePrefetched(keepalive) {
    const held = prefetched;
    prefetched = null;
    return held ? api('POST', `/v1/items/${held.id}/release`, undefined, { keepalive }).catch(() => {}) : Promise.resolve();
  }
  const onPageHide = () => { releasePrefetched(true); };
  window.addEventListener('pagehide', onPageHide);
  app.beforeSignOut = async () => { await prefetching; await releasePrefetched(false); };

  function renderEmpty() {
    replace(app.main, h('section', { class: 'card empty', id: 'empty-queue' },
      h('h1', {}, 'Nothing is waiting'),
      h('p', {}, disputed ? 'No disputed item waits for a lead.' : (task ? `No item of task ${task} waits for review.` : 'No item waits for review.')),
      h('button', { type: 'button', class: 'primary', on: { click: () => next().catch((e) => app.flash(e.message)) } }, 'Check again')));
    timers.push(setInterval(() => next().catch(() => {}), 15000));
  }

  function render() {
    const lowFields = lowConfidence(item);
    form = buildForm(item.output_schema, item.output);
    const errorsBox = h('div', { id: 'form-errors', class: 'errors', role: 'alert' });
    const diffBox = h('div', { id: 'diff' });
    const countdown = h('span', { id: 'lease-countdown' });
    // An agent may be waiting on this item: show how long until its deadline decides it, and what it does then.
    const deadline = item.escalated_at
      ? h('span', { id: 'escalated', class: 'badge urgent' }, 'Escalated: deadline passed')
      : item.deadline_at ? h('span', { class: 'muted' }, 'Deadline: ', h('span', { id: 'deadline-left' }), ` then ${item.on_deadline}`) : '';
    const reasons = (item.reasons ?? []).map((r) => h('li', {}, r.message));
    // The server says whether the output is valid against the task's current schema; Approve would be refused.
    const outputErrors = item.output_errors ?? [];
    const approveBlocked = outputErrors.length
      ? h('div', { id: 'approve-blocked', class: 'errors', role: 'status', tabindex: '-1' },
        h('p', {}, 'Approve is unavailable: the model output is not valid against the task schema. Correct it or reject it.'),
        h('ul', {}, outputErrors.map((e) => h('li', {}, `${e.pointer || '/'}: ${e.message}`))))
      : '';
    replace(app.main,
      h('div', { class: 'review-head' },
        h('h1', {}, `Review: ${item.task}`),
        h('span', { class: 'badge' }, item.audit ? 'audit sample' : item.status),
        h('span', { class: 'muted' }, 'Lease: ', countdown), deadline,
        h('button', { type: 'button', class: 'link', on: { click: () => shortcutsHelp(true) } }, 'Shortcuts (?)')),
      h('div', { class: 'review', id: 'review', dataset: { itemId: item.id } },
        h('section', { class: 'card', 'aria-labelledby': 'input-title' },
          h('h2', { id: 'input-title' }, 'Input'),
          item.instructions ? h('div', { class: 'instructions' }, h('h3', {}, 'Instructions'), h('p', { id: 'instructions' }, item.instructions)) : '',
          h('div', { id: 'input' }, renderValue(item.input)),
          reasons.length ? h('div', {}, h('h3', {}, 'Why it is here'), h('ul', { id: 'reasons' }, reasons)) : ''),
        h('section', { class: 'card', 'aria-labelledby': 'output-title' },
          h('h2', { id: 'output-title' }, 'Model output'),
          h('p', { class: 'confidence' }, `Confidence ${pct(item.confidence)} (threshold ${pct(item.threshold)})`,
            item.model ? ` · ${item.model}` : '', item.prompt_version ? ` · prompt ${item.prompt_version}` : ''),
          h('form', { id: 'output-form', class: editing ? 'editing' : 'readonly', on: { input: refresh, submit: (e) => { e.preventDefault(); correct(); } } },
            form.element),
          approveBlocked, errorsBox,
          h('h3', {}, 'Changes'), diffBox,
          h('div', { class: 'actions' },
            h('button', { type: 'button', id: 'approve', class: 'primary', disabled: outputErrors.length > 0,
              'aria-describedby': outputErrors.length ? 'approve-blocked' : undefined, on: { click: approve } }, 'Approve (a)'),
            h('button', { type: 'button', id: 'edit', on: { click: edit } }, 'Edit (e)'),
            h('button', { type: 'button', id: 'submit-correction', on: { click: correct } }, 'Submit correction (Ctrl+Enter)'),
            h('button', { type: 'button', id: 'reject', class: 'danger', on: { click: reject } }, 'Reject (r)'),
            h('button', { type: 'button', id: 'skip', on: { click: skip } }, 'Skip (s)'))),
        commentsPanel(app, item.id)));
    // A lead adjudicating sees the reviews first, above the item.
    if (item.reviews?.length) app.main.querySelector('.review-head').after(reviewsPanel(item.reviews, pick));
    for (const [pointer, confidence] of lowFields) {
      const field = app.main.querySelector(`[data-field="${CSS.escape(pointer)}"]`);
      if (field) { field.classList.add('low'); field.querySelector('label, legend')?.append(h('span', { class: 'low-badge' }, ` ${pct(confidence)}`)); }
    }
    setEditable(false);
    refresh();
    startLease(countdown);
  }

  function setEditable(on) {
    editing = on;
    app.main.querySelector('#output-form').className = on ? 'editing' : 'readonly';
    for (const control of app.main.querySelectorAll('#output-form input, #output-form select, #output-form textarea, #output-form button')) control.disabled = !on;
  }

  /// Inline errors and the diff, recomputed on every edit, before anything is sent.
  function refresh() {
    const value = form.read();
    const errors = validate(item.output_schema, value);
    for (const el of app.main.querySelectorAll('[data-error-for]')) el.textContent = '';
    if (!errors.length) replace(app.main.querySelector('#form-errors'));
    for (const e of errors) {
      const target = app.main.querySelector(`[data-error-for="${CSS.escape(e.pointer)}"]`);
      if (target) target.textContent = e.message;
    }
    replace(app.main.querySelector('#diff'), renderDiff(changes(item.output, value)));
    return { value, errors };
  }

  function startLease(countdown) {
    const clock = (ms) => `${Math.floor(ms / 60000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;
    const deadlineLeft = app.main.querySelector('#deadline-left');
    const tick = () => {
      const left = Math.max(0, Date.parse(item.lease_expires_at) - Date.now());
      countdown.textContent = clock(left);
      countdown.className = left < 60000 ? 'warn' : '';
      if (deadlineLeft) {
        const due = Math.max(0, Date.parse(item.deadline_at) - Date.now());
        deadlineLeft.textContent = clock(due);
        deadlineLeft.className = due < 60000 ? 'warn' : '';
      }
    };
    tick();
    timers.push(setInterval(tick, 1000));
    const leaseMs = Math.max(10000, Date.parse(item.lease_expires_at) - Date.now());
    timers.push(setInterval(async () => {
      try { item.lease_expires_at = (await api('POST', `/v1/items/${item.id}/lease`)).lease_expires_at; }
      catch (e) { app.flash(`Your lease could not be extended: ${e.message}`); }
    }, Math.min(60000, leaseMs / 3)));
  }

  async function decide(body) {
    try {
      await api('POST', `/v1/items/${item.id}/decision`, body);
      app.flash(`Item ${body.action === 'correct' ? 'corrected' : body.action + 'd'}.`, 'ok');
      await next();
    } catch (e) {
      if (e.status === 422) showServerErrors(e.problem);
      app.flash(e.message);
    }
  }

  function showServerErrors(problem) {
    replace(app.main.querySelector('#form-errors'), h('ul', {}, (problem?.errors ?? []).map((e) => h('li', {}, `${e.field}: ${e.message}`))));
    for (const e of problem?.errors ?? []) {
      const target = app.main.querySelector(`[data-error-for="${CSS.escape(e.field.replace(/^output/, ''))}"]`);
      if (target) target.textContent = e.message;
    }
  }

  function approve() {
    const blocked = app.main.querySelector('#approve-blocked');
    // An invalid output cannot be approved: point at why instead of sending a request the server refuses.
    if (blocked) { blocked.focus(); app.flash('This output is not valid against the schema; correct (e) or reject (r) it.'); return; }
    decide({ action: 'approve' });
  }
  function edit() {
    setEditable(true);
    app.main.querySelector('#output-form input, #output-form select, #output-form textarea')?.focus();
  }
  function correct() {
    if (!editing) { edit(); return; }
    const { value, errors } = refresh();
    if (errors.length) {
      replace(app.main.querySelector('#form-errors'),
        h('p', {}, 'The correction is not valid against the task schema; fix these fields first:'),
        h('ul', {}, errors.map((e) => h('li', {}, `${e.pointer || '/'}: ${e.message}`))));
      return;
    }
    if (!changes(item.output, value).length) { app.flash('Nothing was changed; approve the item instead.'); return; }
    decide({ action: 'correct', output: value });
  }
  function reject() {
    const reason = h('textarea', { id: 'reject-reason', rows: 3 });
    const dialog = h('dialog', { id: 'reject-dialog', 'aria-labelledby': 'reject-title' },
      h('form', { method: 'dialog', on: { submit: (e) => { e.preventDefault(); dialog.close(); decide({ action: 'reject', reason: reason.value.trim() || undefined }); } } },
        h('h2', { id: 'reject-title' }, 'Reject this item'),
        h('label', { for: 'reject-reason' }, 'Reason (optional)'), reason,
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger', id: 'confirm-reject' }, 'Reject'),
          h('button', { type: 'button', on: { click: () => dialog.close() } }, 'Cancel'))));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  }
  const skip = () => next(item.id).catch((e) => app.flash(e.message));
  // The lead takes one reviewer's decision as theirs.
  const pick = (review) => decide(review.action === 'reject' ? { action: 'reject', reason: review.reason ?? undefined }
    : review.action === 'correct' ? { action: 'correct', output: review.output } : { action: 'approve' });

  function onKey(event) {
    if (!item || document.querySelector('dialog[open]')) return;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); correct(); return; }
    if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const comment = () => document.getElementById('comment-text')?.focus();
    const action = { a: approve, e: edit, r: reject, s: skip, c: comment, '?': () => shortcutsHelp(true) }[event.key];
    if (action) { event.preventDefault(); action(); }
  }
  document.addEventListener('keydown', onKey);
  app.cleanup = () => {
    stopTimers();
    document.removeEventListener('keydown', onKey);
    window.removeEventListener('pagehide', onPageHide);
    app.beforeSignOut = null;
    releasePrefetched(true);
  };
  await next();
}

/// Fields whose confidence (their own, else the item's) is below their threshold (their own, else the task's).
function lowConfidence(item) {
  const pointers = new Set([...Object.keys(item.field_confidence ?? {}), ...Object.keys(item.field_thresholds ?? {})]);
  const out = [];
  for (const p of pointers) {
    const confidence = item.field_confidence?.[p] ?? item.confidence;
    if (confidence < (item.field_thresholds?.[p] ?? item.threshold)) out.push([p, confidence]);
  }
  return out;
}
