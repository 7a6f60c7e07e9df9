// The share-link page (/app/report/{region}/{name}), served by the server with its choices in
// place; this script makes it know where it is. On a phone: one big "Open it here". On a computer:
// also a QR code of the link and a copy button, to move it to a phone. And before anyone signs in,
// it asks the public status routes whether the report has expired (the cloud, which also names the
// report's key server) or was revoked (that key server), and says so at once instead of the choices.
import qrcode from './vendor/qrcode-generator.js';
import {cloudLinkStatus, revocationStatus} from './keys.js';
import {copyText, formatTime, onPhone} from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

/** A QR code of text as an SVG drawn with DOM calls (no markup strings), one unit per module. */
export function qrSvg(text) {
  const code = qrcode(0, 'M');
  code.addData(text);
  code.make();
  const n = code.getModuleCount();
  const quiet = 4;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${n + 2 * quiet} ${n + 2 * quiet}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  let d = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (code.isDark(r, c)) d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
  }
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(background, path);
  svg.dataset.modules = String(n);
  return svg;
}

/** Replaces the choices, and what the page says of downloading, with why the report cannot be opened. */
function gone(main, id, title, text) {
  for (const section of main.querySelectorAll('.choice')) section.remove();
  const reportId = document.getElementById('report-id');
  reportId?.closest('p')?.replaceChildren('Report ', reportId, '.');
  const heading = main.querySelector('h1');
  heading.textContent = title;
  const status = document.getElementById('share-status');
  status.id = id;
  status.className = 'notice share-status';
  status.textContent = text;
  document.title = `${title} · Safelight`;
}

async function copyLink(link, status) {
  if (await copyText(link)) {
    status.textContent = 'Link copied. Paste it into a message to yourself, then open it on your phone.';
  } else {
    // No clipboard here (a plain-http address, or refused): select the link for Ctrl+C.
    getSelection().selectAllChildren(document.getElementById('share-link'));
    status.textContent = 'Press Ctrl+C (or ⌘C) to copy the selected link.';
  }
}

async function start() {
  const main = document.getElementById('share');
  if (!main) return;
  const {link, region, name, report} = main.dataset;
  document.body.dataset.device = onPhone() ? 'phone' : 'computer';
  const qr = document.getElementById('share-qr');
  if (qr) qr.replaceChildren(qrSvg(link));
  const copy = document.getElementById('copy-link');
  if (copy) {
    copy.hidden = false;
    copy.addEventListener('click', () => copyLink(link, document.getElementById('copy-status')));
  }
  const cloud = await cloudLinkStatus(region, name);
  const keys = cloud?.state === 'active' ? await revocationStatus(cloud.reportId || report, cloud.keyserverUrl) : null;
  if (cloud?.state === 'expired') {
    gone(main, 'expired', 'This report has expired', 'Reports are kept for 7 days after they are sent, then deleted. '
      + 'Ask the sender to send it again.');
  } else if (keys?.revoked) {
    gone(main, 'revoked', 'This report was revoked', `The sender revoked it${keys.revokedAt ? ` on ${formatTime(keys.revokedAt)}` : ''}: `
      + 'its key is no longer given to anyone, so it cannot be opened. Ask the sender if you still need it.');
  } else if (cloud?.state === 'active') {
    document.getElementById('share-status').textContent = '';
  }
  main.dataset.checked = 'true';
}

start();
