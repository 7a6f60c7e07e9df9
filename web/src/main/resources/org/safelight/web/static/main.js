// My Safelight: the router (#/...), the navigation, and dropping a .picsafe file onto the page.
import {el, show} from './dom.js';
import {getJson, hasSession, signOut, SignedOutError} from './session.js';
import {signInView, signUpView} from './account-views.js';
import {openFileView, reportsView} from './reports-view.js';
import {closeReport, openFile, openLink} from './opening.js';
import {enterpriseView} from './enterprise-view.js';

let pendingFile = null;
// Where a share link was going when the user had to sign in (or sign up first): kept for this tab
// so that it survives the detour through the confirmation email.
const AFTER_SIGN_IN = 'safelight.after_sign_in';

async function loadMe() {
  const me = await getJson('/api/v1/accounts/me');
  document.getElementById('nav').hidden = false;
  document.getElementById('whoami').textContent = me.email_verified ? me.email : `${me.email} (not confirmed yet)`;
  document.getElementById('nav-enterprise').hidden = !(me.enterprise && me.enterprise.admin);
  return me;
}

function signedOutNav() {
  document.getElementById('nav').hidden = true;
  document.getElementById('whoami').textContent = '';
}

/** Shows the sign-in form, then comes back to where the user was going. */
function requireSignIn(notice) {
  signedOutNav();
  signInView(async () => {
    await loadMe();
    if (pendingFile) {
      const file = pendingFile;
      pendingFile = null;
      await openFile(file);
    } else {
      const next = sessionStorage.getItem(AFTER_SIGN_IN);
      sessionStorage.removeItem(AFTER_SIGN_IN);
      const target = next || (['', '#', '#/', '#/signin', '#/signup'].includes(location.hash) ? '#/reports' : location.hash);
      if (target === location.hash) await route(); else location.hash = target;
    }
  }, notice);
}

async function route() {
  closeReport();
  const hash = location.hash || '#/';
  const waiting = sessionStorage.getItem(AFTER_SIGN_IN) !== null;
  if (hash === '#/signup') {
    return signUpView(waiting ? 'Once your address is confirmed and you have signed in, the report you were sent opens.' : null);
  }
  if (!hasSession()) {
    if (hash.startsWith('#/link/')) sessionStorage.setItem(AFTER_SIGN_IN, hash);
    return requireSignIn(hash.startsWith('#/link/') || waiting
      ? 'Sign in, or create a free account, to open the report you were sent.' : null);
  }
  try {
    if (document.getElementById('nav').hidden) await loadMe();
    const link = /^#\/link\/([A-Z]{2})\/([A-Za-z0-9_-]+)$/.exec(hash);
    if (link) return await openLink(link[1], link[2]);
    switch (hash) {
      case '#/open': return openFileView();
      case '#/enterprise': return await enterpriseView();
      case '#/reports': case '#/': case '#/signin': return await reportsView();
      default: return show(el('section', {class: 'card'}, el('h1', {}, 'Not found'), el('p', {}, 'There is no such page.')));
    }
  } catch (e) {
    if (e instanceof SignedOutError) return requireSignIn('Your session ended: please sign in again.');
    throw e;
  }
}

function installDrop() {
  const overlay = document.getElementById('drop-overlay');
  let depth = 0;
  const hasFiles = e => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
  document.addEventListener('dragenter', e => {
    if (!hasFiles(e)) return;
    depth++;
    overlay.hidden = false;
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  document.addEventListener('dragover', e => {
    if (hasFiles(e)) e.preventDefault();
  });
  document.addEventListener('drop', e => {
    depth = 0;
    overlay.hidden = true;
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (hasSession()) {
      openFile(file);
    } else {
      pendingFile = file;
      requireSignIn(`Sign in to open ${file.name}. The file stays on this computer.`);
    }
  });
}

document.getElementById('sign-out').addEventListener('click', async () => {
  closeReport();
  pendingFile = null;
  sessionStorage.removeItem(AFTER_SIGN_IN);
  await signOut();
  signedOutNav();
  if (location.hash === '#/signin') route(); else location.hash = '#/signin';
});
window.addEventListener('hashchange', () => { route(); });
installDrop();
route();
