import { h } from './dom.js';

/// True while the person is typing in a field: single-letter shortcuts must not fire then.
export function isTyping(event) {
  const t = event.target;
  return t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

const keys = [['a', 'Approve the model output'], ['e', 'Edit the output'], ['Ctrl+Enter', 'Submit the correction'],
              ['r', 'Reject (asks for a reason)'], ['s', 'Skip: hand the item back and take another'],
              ['c', 'Write a comment (for the next reviewer, or flagged for the lead)'], ['?', 'Show these shortcuts']];

export function shortcutsHelp(open) {
  document.getElementById('shortcuts')?.remove();
  if (!open) return;
  const dialog = h('dialog', { id: 'shortcuts', 'aria-labelledby': 'shortcuts-title' },
    h('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'),
    h('dl', {}, keys.map(([k, d]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, d)])),
    h('p', { class: 'muted' }, 'Letters do nothing while you type in a field.'),
    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
