import { h } from './dom.js';

// A small, safe Markdown renderer for previews: headings, paragraphs, lists, code, emphasis and links, built as DOM
// nodes whose text is always text. HTML in the source stays visible as characters; only http(s) links become links.
export function renderMarkdown(source) {
  const blocks = [];
  const lines = String(source).replaceAll('\r\n', '\n').split('\n');
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    if (line.startsWith('```')) {
      const code = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
      i++;
      blocks.push(h('pre', {}, h('code', {}, code.join('\n'))));
    } else if (/^#{1,6} /.test(line)) {
      const level = line.indexOf(' ');
      blocks.push(h(`h${Math.min(6, level + 2)}`, {}, inline(line.slice(level + 1))));
      i++;
    } else if (/^\s*([-*]|\d+\.) /.test(line)) {
      const ordered = /^\s*\d+\. /.test(line);
      const items = [];
      for (; i < lines.length && /^\s*([-*]|\d+\.) /.test(lines[i]); i++) items.push(h('li', {}, inline(lines[i].replace(/^\s*([-*]|\d+\.) /, ''))));
      blocks.push(h(ordered ? 'ol' : 'ul', {}, items));
    } else if (line.trim() === '') {
      i++;
    } else {
      const para = [];
      for (; i < lines.length && lines[i].trim() !== '' && !/^(```|#{1,6} |\s*([-*]|\d+\.) )/.test(lines[i]); i++) para.push(lines[i]);
      blocks.push(h('p', {}, inline(para.join('\n'))));
    }
  }
  return blocks;
}

// `code`, **strong**, *em* and [text](https://…), left to right; anything else is text.
function inline(text) {
  const out = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(h('code', {}, m[1]));
    else if (m[2] !== undefined) out.push(h('strong', {}, m[2]));
    else if (m[3] !== undefined) out.push(h('em', {}, m[3]));
    else if (/^https?:\/\//i.test(m[5])) out.push(h('a', { href: m[5], rel: 'noopener noreferrer nofollow', target: '_blank' }, m[4]));
    else out.push(m[0]);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
