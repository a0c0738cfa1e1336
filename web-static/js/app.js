import { api, setCsrf, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { loginView } from './views/login.js';
import { queueView } from './views/queue.js';
import { reviewView } from './views/review.js';
import { analystView } from './views/analyst.js';
import { adminView } from './views/admin.js';
import { setupView } from './views/setup.js';

// Which screens each role may open; the API checks the role on every call regardless.
const screens = {
  queue: { title: 'Queue', roles: ['reviewer', 'lead', 'analyst', 'admin'], view: queueView },
  review: { title: 'Review', roles: ['reviewer', 'lead', 'admin'], view: reviewView },
  disputes: { title: 'Disputes', roles: ['lead', 'admin'], view: (app, params) => reviewView(app, params, { disputed: true }) },
  analyst: { title: 'Analyst', roles: ['analyst', 'admin'], view: analystView },
  admin: { title: 'Admin', roles: ['admin'], view: adminView },
};

export const app = {
  user: null,
  /// Shows an API error (or any message) where people look first.
  flash(message, kind = 'error') {
    const el = document.getElementById('flash');
    el.textContent = message;
    el.className = `flash ${kind}`;
    el.hidden = !message;
  },
  go(hash) { if (location.hash === hash) route(); else location.hash = hash; },
  cleanup: null,
  /// Awaited before the session ends (the review screen releases the item it claimed ahead).
  beforeSignOut: null,
};

async function whoami() {
  try {
    const session = await api('GET', '/v1/session');
    app.user = session.user;
    setCsrf(session.csrf_token);
  } catch (e) {
    app.user = null;
    if (!(e instanceof ApiError && e.status === 401)) app.flash(e.message);
  }
}

function renderChrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!app.user) { replace(nav); replace(who); return; }
  replace(nav, Object.entries(screens).filter(([, s]) => s.roles.includes(app.user.role))
    .map(([name, s]) => h('a', { href: `#/${name}`, 'aria-current': location.hash === `#/${name}` ? 'page' : undefined }, s.title)));
  replace(who, h('span', {}, `${app.user.email} (${app.user.role})`),
    h('button', { type: 'button', class: 'link', id: 'logout', on: { click: logout } }, 'Sign out'));
}

async function logout() {
  await app.beforeSignOut?.();
  try { await api('DELETE', '/v1/session'); } catch (e) { app.flash(e.message); }
  app.user = null;
  setCsrf(null);
  app.go('#/login');
}

const page = document.getElementById('main');
let visits = 0;

/// What a screen gets as `app`: the shared app, except that it draws into a container of its own and, once the user
/// has moved on, can no longer flash, navigate or install a cleanup. A screen awaits the API before it draws, so a
/// screen left while its calls were out (sign in, then open Admin at once) would otherwise draw over the next one.
function screenContext(visit) {
  const root = h('div', { class: 'screen' });
  replace(page, root);
  const live = () => visit === visits;
  let ownSignOut = null;
  return {
    get user() { return app.user; },
    main: root,
    flash: (message, kind) => { if (live()) app.flash(message, kind); },
    go: (hash) => { if (live()) app.go(hash); },
    get cleanup() { return app.cleanup; },
    // A cleanup offered too late runs at once (it stops a timer or releases an item nobody sees).
    set cleanup(fn) { if (live()) app.cleanup = fn; else fn?.(); },
    get beforeSignOut() { return app.beforeSignOut; },
    // Its own cleanup (run when the user moves on) may still take back what it installed.
    set beforeSignOut(fn) {
      if (live()) app.beforeSignOut = ownSignOut = fn;
      else if (!fn && app.beforeSignOut === ownSignOut) app.beforeSignOut = null;
    },
  };
}

async function route() {
  const visit = ++visits;
  app.cleanup?.();
  app.cleanup = null;
  app.flash('');
  const name = location.hash.replace(/^#\//, '').split('/')[0] || 'queue';
  if (name === 'setup') {
    renderChrome();
    await setupView(screenContext(visit), location.hash.split('/')[2] ?? '', async (user) => {
      await whoami();
      app.go(user.role === 'admin' ? '#/admin' : (user.role === 'analyst' ? '#/analyst' : '#/queue'));
    });
    return;
  }
  if (!app.user && name !== 'login') { app.go('#/login'); return; }
  renderChrome();
  if (name === 'login') { loginView(screenContext(visit), async () => { await whoami(); app.go(app.user.role === 'analyst' ? '#/analyst' : '#/queue'); }); return; }
  const screen = screens[name];
  if (!screen || !screen.roles.includes(app.user.role)) { app.go('#/queue'); return; }
  const context = screenContext(visit);
  try {
    await screen.view(context, location.hash.split('/').slice(2));
  } catch (e) {
    context.flash(e.message);
  }
  if (visit === visits) page.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
await whoami();
route();
