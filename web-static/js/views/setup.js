import { api, setCsrf } from '../api.js';
import { h, replace } from '../dom.js';

// One-time links. First run: the link `loupe serve` printed creates the first admin account. An admin's invitation
// or reset link: the person it names sets a password. Either way they are signed in afterwards.
export async function setupView(app, token, onSignedIn) {
  let link;
  try {
    link = await api('GET', `/v1/setup?token=${encodeURIComponent(token)}`);
  } catch (e) {
    replace(app.main, h('div', { class: 'card login', id: 'setup-invalid' }, h('h1', {}, 'This link does not work'), h('p', {}, e.message)));
    return;
  }
  const firstRun = link.purpose === 'first_run';
  const email = h('input', { id: 'setup-email', type: 'email', autocomplete: 'username', required: true,
    value: link.email ?? '', readOnly: !firstRun });
  const password = h('input', { id: 'setup-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const again = h('input', { id: 'setup-again', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const form = h('form', { class: 'card login', id: 'setup-form', on: { submit: async (event) => {
    event.preventDefault();
    if (password.value !== again.value) { app.flash('The two passwords differ.'); again.select(); return; }
    try {
      const body = firstRun ? { token, email: email.value, password: password.value } : { token, password: password.value };
      const session = await api('POST', '/v1/setup', body);
      setCsrf(session.csrf_token);
      await onSignedIn(session.user);
    } catch (e) {
      app.flash(e.message);
    }
  } } },
  h('h1', {}, firstRun ? 'Set up Loupe' : (link.purpose === 'invite' ? 'Welcome to Loupe' : 'Choose a new password')),
  h('p', {}, firstRun ? 'Create the first admin account. This link works once; afterwards admins add people.'
    : 'Choose your password. This link works once.'),
  h('label', { for: 'setup-email' }, 'Email'), email,
  h('label', { for: 'setup-password' }, 'Password (at least 8 characters)'), password,
  h('label', { for: 'setup-again' }, 'Password again'), again,
  h('button', { type: 'submit', class: 'primary' }, firstRun ? 'Create admin account' : 'Set password and sign in'));
  replace(app.main, form);
  (firstRun ? email : password).focus();
}
