import { api, setCsrf } from '../api.js';
import { h, replace } from '../dom.js';

export function loginView(app, onSignedIn) {
  const email = h('input', { id: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card login', on: { submit: async (event) => {
    event.preventDefault();
    try {
      const session = await api('POST', '/v1/session', { email: email.value, password: password.value });
      setCsrf(session.csrf_token);
      await onSignedIn();
    } catch (e) {
      app.flash(e.message);
      password.select();
    }
  } } },
  h('h1', {}, 'Sign in to Loupe'),
  h('label', { for: 'email' }, 'Email'), email,
  h('label', { for: 'password' }, 'Password'), password,
  h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  replace(app.main, form);
  email.focus();
  // A new operator's first question: no account exists yet.
  api('GET', '/v1/setup').then(({ needed }) => {
    if (needed) form.append(h('p', { id: 'setup-hint', class: 'muted' },
      'No admin account exists yet: open the setup link that `loupe serve` wrote to its log when it started.'));
  }).catch(() => {});
}
