import { api } from '../api.js';
import { h, replace, ago } from '../dom.js';
import { bulkSection } from './bulk.js';
import { figuresSection } from './figures.js';

// Tasks with how much is waiting, how long the oldest has waited, and audit samples waiting; bulk approval.
export async function queueView(app) {
  const { tasks } = await api('GET', '/v1/queue');
  const canReview = ['reviewer', 'lead', 'admin'].includes(app.user.role);
  const figures = canReview && tasks.length ? await figuresSection(tasks, app.user.role !== 'reviewer') : null;
  replace(app.main,
    h('h1', {}, 'Review queue'),
    tasks.length === 0 ? h('p', { class: 'muted' }, 'No tasks are defined yet.') :
    h('table', { class: 'grid', id: 'queue-table' },
      h('thead', {}, h('tr', {}, ['Task', 'Waiting', 'In review', 'Oldest waiting', 'Audit samples waiting', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, tasks.map((t) => h('tr', { dataset: { task: t.task } },
        h('td', {}, t.task), h('td', { class: 'num' }, t.waiting), h('td', { class: 'num' }, t.leased),
        h('td', {}, ago(t.oldest_waiting_at)), h('td', { class: 'num' }, t.audit_waiting),
        h('td', {}, canReview && t.waiting > 0 ? h('a', { href: `#/review/${encodeURIComponent(t.task)}`, class: 'button' }, 'Review') : ''))))),
    canReview ? h('p', {}, h('a', { href: '#/review', class: 'button primary', id: 'start-review' }, 'Review next item from any task')) : '',
    figures,
    canReview && tasks.length ? bulkSection(app, tasks, () => queueView(app)) : '');
}
