import { api, setCsrf } from '../api.js';
import { h, replace } from '../dom.js';

// First run: the link `loupe serve` printed creates the first admin account, once, and signs it in.
export function setupView(app, token, onSignedIn) {
  const email = h('input', { id: 'setup-email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'setup-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const again = h('input', { id: 'setup-again', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const form = h('form', { class: 'card login', id: 'setup-form', on: { submit: async (event) => {
    event.preventDefault();
    if (password.value !== again.value) { app.flash('The two passwords differ.'); again.select(); return; }
    try {
      const session = await api('POST', '/v1/setup', { token, email: email.value, password: password.value });
      setCsrf(session.csrf_token);
      await onSignedIn();
    } catch (e) {
      app.flash(e.message);
    }
  } } },
  h('h1', {}, 'Set up Loupe'),
  h('p', {}, 'Create the first admin account. This link works once; afterwards admins add people.'),
  h('label', { for: 'setup-email' }, 'Email'), email,
  h('label', { for: 'setup-password' }, 'Password (at least 8 characters)'), password,
  h('label', { for: 'setup-again' }, 'Password again'), again,
  h('button', { type: 'submit', class: 'primary' }, 'Create admin account'));
  replace(app.main, form);
  email.focus();
}
