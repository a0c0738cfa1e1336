import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { peopleSection } from './people.js';

// Tasks (thresholds, schema, instructions), people (invite, role, deactivate, reset) and API keys (create, revoke).
export async function adminView(app) {
  const people = await peopleSection(app, () => adminView(app));
  const [{ tasks }, { keys }] = await Promise.all([api('GET', '/v1/tasks'), api('GET', '/v1/keys')]);
  const newKey = h('div', { id: 'new-key', role: 'status' });
  const keyName = h('input', { id: 'key-name', required: true });
  const keyRole = h('select', { id: 'key-role' }, ['ingest', 'reviewer', 'lead', 'analyst', 'admin'].map((r) => h('option', { value: r }, r)));
  replace(app.main,
    h('h1', {}, 'Admin'),
    h('h2', {}, 'Tasks'),
    tasks.map((t) => taskEditor(app, t)),
    taskEditor(app, null),
    people,
    h('h2', {}, 'API keys'),
    h('table', { class: 'grid', id: 'keys' },
      h('thead', {}, h('tr', {}, ['Name', 'Role', 'Created', 'State', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, keys.map((k) => h('tr', {},
        h('td', {}, k.name), h('td', {}, k.role), h('td', {}, new Date(k.created_at).toLocaleString()),
        h('td', {}, k.revoked_at ? 'revoked' : 'active'),
        h('td', {}, k.revoked_at ? '' : h('button', { type: 'button', class: 'danger small', on: { click: async () => {
          try { await api('DELETE', `/v1/keys/${k.id}`); await adminView(app); } catch (e) { app.flash(e.message); }
        } } }, 'Revoke')))))),
    h('form', { class: 'card inline', on: { submit: async (e) => {
      e.preventDefault();
      try {
        const created = await api('POST', '/v1/keys', { name: keyName.value, role: keyRole.value });
        await adminView(app);
        replace(app.main.querySelector('#new-key'), h('p', {}, 'New key (shown once, store it now): '), h('code', { class: 'secret' }, created.key));
      } catch (err) { app.flash(err.message); }
    } } }, h('label', { for: 'key-name' }, 'Name'), keyName, h('label', { for: 'key-role' }, 'Role'), keyRole,
      h('button', { type: 'submit' }, 'Create key')),
    newKey);
}

function taskEditor(app, task) {
  const id = task?.name ?? 'new';
  const field = (name, label, value, attrs = {}) => {
    const input = attrs.rows ? h('textarea', { id: `${id}-${name}`, ...attrs }, value) : h('input', { id: `${id}-${name}`, value, ...attrs });
    return [h('label', { for: `${id}-${name}` }, label), input];
  };
  const [nameLabel, name] = field('name', 'Name', task?.name ?? '', { required: true, readOnly: !!task });
  const [thLabel, threshold] = field('threshold', 'Threshold', String(task?.threshold ?? 0.85), { inputmode: 'decimal' });
  const [auLabel, audit] = field('audit', 'Audit rate', String(task?.audit_rate ?? 0), { inputmode: 'decimal' });
  const [ftLabel, fields] = field('fields', 'Field thresholds (JSON)', JSON.stringify(task?.field_thresholds ?? {}), {});
  const [inLabel, instructions] = field('instructions', 'Instructions', task?.instructions ?? '', { rows: 2 });
  const [scLabel, schema] = field('schema', 'Output schema (JSON Schema)', JSON.stringify(task?.output_schema ?? { type: 'object' }, null, 2), { rows: 6, class: 'mono' });
  return h('details', { class: 'card', open: !task },
    h('summary', {}, task ? `${task.name} · threshold ${task.threshold} · audit ${task.audit_rate}` : 'New task'),
    h('form', { class: 'task-form', on: { submit: async (e) => {
      e.preventDefault();
      try {
        const body = { output_schema: JSON.parse(schema.value), threshold: Number(threshold.value), audit_rate: Number(audit.value),
                       field_thresholds: JSON.parse(fields.value || '{}'), instructions: instructions.value };
        await api('PUT', `/v1/tasks/${encodeURIComponent(name.value)}`, body);
        app.flash(`Task ${name.value} saved.`, 'ok');
        await adminView(app);
      } catch (err) { app.flash(err instanceof SyntaxError ? `Not valid JSON: ${err.message}` : err.message); }
    } } }, nameLabel, name, thLabel, threshold, auLabel, audit, ftLabel, fields, inLabel, instructions, scLabel, schema,
      h('button', { type: 'submit', class: 'primary' }, task ? 'Save task' : 'Create task')));
}
