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

/**
 * Replaces the main area's content. When it has a heading (h1), the document's title names it (an
 * opened report is just "Report") and,
 * if the user moved to a new view (see newView), keyboard and screen-reader focus moves to it.
 */
export function show(...children) {
  const main = document.getElementById('main');
  main.replaceChildren();
  append(main, children);
  const heading = main.querySelector('h1');
  if (heading) {
    // A report's heading names its patient: the title, which the browser keeps in its history and
    // shows in the tab bar, never does.
    const name = main.querySelector('#report') ? 'Report' : heading.textContent.trim();
    document.title = `${name} · My Safelight`;
    if (focusPending) {
      focusPending = false;
      heading.setAttribute('tabindex', '-1');
      heading.focus({preventScroll: true});
    }
  }
  return main;
}

// Moves on with every view the user goes to. A view whose data arrives later draws only while it is
// still the current one: an answer that comes after the user moved on is dropped, never drawn.
let views = 0;
let focusPending = false;

/**
 * Starts a new view and gives its ticket: ticket.show(...) draws only while this is still the
 * current view (else it does nothing and returns null), ticket.current() says whether it is.
 */
export function newView() {
  const mine = ++views;
  focusPending = true;
  const current = () => mine === views;
  return {current, show: (...children) => (current() ? show(...children) : null)};
}

/** A definition list of [label, value, valueId, valueClass] items, skipping empty values. */
export function facts(pairs, id) {
  const dl = el('dl', {class: 'facts', id});
  for (const [label, value, valueId, valueClass] of pairs) {
    if (value === undefined || value === null || String(value).trim() === '') continue;
    dl.append(el('dt', {}, label), el('dd', {id: valueId, class: valueClass}, String(value)));
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

// The one date style of Safelight (the CLI and the PDF write the same): the month by its name, never
// a number that one reader takes for the day and another for the month.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

function parse(value) {
  if (value === undefined || value === null || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * A day: "12 November 1948". A calendar date ("1948-11-12", such as a birth date) stays that day
 * everywhere; an instant is the day in the browser's time zone. Anything else comes back as text.
 */
export function formatDate(value) {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value ?? ''));
  if (day && Number(day[2]) >= 1 && Number(day[2]) <= 12) {
    return `${Number(day[3])} ${MONTHS[Number(day[2]) - 1]} ${day[1]}`;
  }
  const d = parse(value);
  return d ? `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}` : String(value ?? '');
}

/** An instant in the browser's time zone, 24 hours: "27 November 2026, 14:05". */
export function formatTime(value) {
  const d = parse(value);
  if (!d) return String(value ?? '');
  const pad = n => String(n).padStart(2, '0');
  return `${formatDate(d)}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The one test of "on a phone" for every page: a touch screen without a mouse (tap, not click or
 * drop), or a window narrower than 40rem (one column, no room for a PDF viewer).
 */
export function onPhone() {
  return window.matchMedia('(pointer: coarse) and (hover: none), (max-width: 40rem)').matches;
}

/** Puts text on the clipboard; false when the browser refuses (then the caller shows it to copy by hand). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    return false;
  }
}
