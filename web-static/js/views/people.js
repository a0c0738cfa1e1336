import { api } from '../api.js';
import { h, replace } from '../dom.js';

const roles = ['reviewer', 'lead', 'analyst', 'admin'];

// People (admin): invite with a one-time link shown once, change role and groups, deactivate, send a reset link.
export async function peopleSection(app, refresh) {
  const { users } = await api('GET', '/v1/users');
  const link = h('div', { id: 'setup-link', role: 'status', 'aria-live': 'polite' });
  const email = h('input', { id: 'invite-email', type: 'email', required: true, autocomplete: 'off' });
  const role = h('select', { id: 'invite-role' }, roles.map((r) => h('option', { value: r }, r)));
  const groups = h('input', { id: 'invite-groups', placeholder: 'e.g. de, invoices' });
  // After a refresh the section is new: the link goes into whichever #setup-link is on the page now.
  const showLink = (who, url, purpose) => replace(document.getElementById('setup-link') ?? link,
    h('p', {}, `${purpose} link for ${who} (shown once; send it to them yourself, it works once): `),
    h('input', { id: 'setup-url', class: 'secret', readOnly: true, value: url, 'aria-label': `${purpose} link for ${who}` }));
  return h('section', { id: 'people' },
    h('h2', {}, 'People'),
    h('table', { class: 'grid', id: 'people-table' },
      h('thead', {}, h('tr', {}, ['Email', 'Role', 'Groups', 'State', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, users.map((u) => personRow(app, u, refresh, showLink)))),
    h('form', { class: 'card inline', id: 'invite-form', on: { submit: async (e) => {
      e.preventDefault();
      try {
        const invited = await api('POST', '/v1/users', { email: email.value, role: role.value, groups: splitGroups(groups.value) });
        await refresh();
        showLink(invited.email, invited.setup_url, 'Invitation');
      } catch (err) { app.flash(err.message); }
    } } }, h('label', { for: 'invite-email' }, 'Email'), email, h('label', { for: 'invite-role' }, 'Role'), role,
      h('label', { for: 'invite-groups' }, 'Groups'), groups, h('button', { type: 'submit' }, 'Invite')),
    link);
}

function personRow(app, u, refresh, showLink) {
  const key = u.email.replace(/[^a-z0-9]/gi, '-');
  const change = async (body) => {
    try { await api('PATCH', `/v1/users/${u.id}`, body); await refresh(); } catch (err) { app.flash(err.message); await refresh(); }
  };
  const role = h('select', { id: `role-${key}`, 'aria-label': `Role of ${u.email}`, on: { change: (e) => change({ role: e.target.value }) } },
    roles.map((r) => h('option', { value: r, selected: r === u.role }, r)));
  const groups = h('input', { id: `groups-${key}`, 'aria-label': `Groups of ${u.email}`, value: u.groups.join(', '),
    on: { change: (e) => change({ groups: splitGroups(e.target.value) }) } });
  const state = !u.active ? 'deactivated' : (u.password_set ? 'active' : 'invited');
  return h('tr', { dataset: { email: u.email } },
    h('td', {}, u.email), h('td', {}, role), h('td', {}, groups), h('td', {}, state),
    h('td', {},
      h('button', { type: 'button', class: u.active ? 'danger small' : 'small', id: `active-${key}`,
        on: { click: () => change({ active: !u.active }) } }, u.active ? 'Deactivate' : 'Reactivate'),
      u.active ? h('button', { type: 'button', class: 'small', id: `reset-${key}`, on: { click: async () => {
        try {
          const reset = await api('POST', `/v1/users/${u.id}/reset-link`);
          showLink(reset.email, reset.setup_url, 'Password reset');
        } catch (err) { app.flash(err.message); }
      } } }, 'Reset link') : null));
}

function splitGroups(text) {
  return text.split(',').map((g) => g.trim()).filter((g) => g.length > 0);
}
