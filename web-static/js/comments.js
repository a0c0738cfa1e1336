import { api } from './api.js';
import { h, replace } from './dom.js';

// An item's comments and a box to add one: a note for the next reviewer, or flagged for the lead.
export function commentsPanel(app, itemId) {
  const list = h('ol', { id: 'comments', class: 'comments', 'aria-live': 'polite' });
  const text = h('textarea', { id: 'comment-text', rows: 2, maxlength: 4000, 'aria-describedby': 'comment-hint' });
  const flag = h('input', { id: 'comment-flag', type: 'checkbox' });
  const load = async () => {
    const { comments } = await api('GET', `/v1/items/${itemId}/comments`);
    replace(list, comments.length ? comments.map(entry) : h('li', { class: 'muted' }, 'No comments yet.'));
  };
  const form = h('form', { id: 'comment-form', on: { submit: async (e) => {
    e.preventDefault();
    if (!text.value.trim()) { text.focus(); return; }
    try {
      await api('POST', `/v1/items/${itemId}/comments`, { text: text.value, flag: flag.checked });
      text.value = '';
      flag.checked = false;
      await load();
    } catch (err) { app.flash(err.message); }
  } } },
  h('label', { for: 'comment-text' }, 'Add a comment'), text,
  h('p', { id: 'comment-hint', class: 'muted' }, 'For the next reviewer or the lead; kept in the item\'s history.'),
  h('label', { class: 'check' }, flag, ' Flag for the lead'),
  h('button', { type: 'submit' }, 'Add comment'));
  load().catch((e) => app.flash(e.message));
  return h('section', { class: 'card', 'aria-labelledby': 'comments-title' }, h('h2', { id: 'comments-title' }, 'Comments (c)'), list, form);
}

function entry(c) {
  return h('li', { class: c.details.flag ? 'flagged' : undefined },
    h('span', { class: 'muted' }, `${c.actor_name ?? c.actor} · ${new Date(c.at).toLocaleString()}`),
    c.details.flag ? h('span', { class: 'badge urgent' }, 'flagged for the lead') : null,
    h('p', {}, c.details.text ?? '(erased)'));
}
