// Building the page. Everything that comes from a report, a server or a user goes in as text
// (textContent, attribute values): never as HTML, so a hostile report cannot add markup or script.

/** A new element: el('p', {class: 'x', id: 'y'}, 'text', child, ...). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) {
      append(node, child);
    } else if (child instanceof Node) {
      node.appendChild(child);
    } else {
      node.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces the main area's content. */
export function show(...children) {
  const main = document.getElementById('main');
  main.replaceChildren();
  append(main, children);
  return main;
}

/** A definition list of [label, value] pairs, skipping empty values. */
export function facts(pairs, id) {
  const dl = el('dl', {class: 'facts', id});
  for (const [label, value, valueId] of pairs) {
    if (value === undefined || value === null || String(value).trim() === '') continue;
    dl.append(el('dt', {}, label), el('dd', {id: valueId}, String(value)));
  }
  return dl;
}

export function errorBox(message, id = 'error') {
  return el('p', {class: 'error', id, role: 'alert'}, message);
}

export function formatBytes(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export function formatTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso ?? '') : d.toLocaleString();
}
