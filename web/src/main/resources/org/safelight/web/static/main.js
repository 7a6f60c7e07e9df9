// My Safelight: the router (#/...), the navigation, and dropping a .picsafe file onto the page.
import {el, newView, show} from './dom.js';
import {fetchMe, hasSession, signOut, SignedOutError} from './session.js';
import {forgotPasswordView, resendConfirmationView, signInView, signUpView} from './account-views.js';
import {openFileView, reportsView} from './reports-view.js';
import {closeReport, openFile, openLink} from './opening.js';
import {enterpriseView} from './enterprise-view.js';
import {endpoint, institutionView} from './institution-view.js';
import {storageCallback} from './storage.js';
import {connectionsView} from './storage-view.js';
import {composeView, leftComposer, mayLeaveComposer, pauseComposer} from './compose-view.js';
import {profileView} from './compose-profile.js';

let pendingFile = null;
// The address of the view on screen: where a kept unsent report takes the address back to.
let shownHash = location.hash || '#/';
// Where a share link was going when the user had to sign in (or sign up first): kept for this tab
// so that it survives the detour through the confirmation email.
const AFTER_SIGN_IN = 'safelight.after_sign_in';

async function loadMe() {
  const me = await fetchMe(); // another user than the page's data belongs to: that data is dropped first
  document.body.classList.add('signed-in');
  document.getElementById('nav').hidden = false;
  document.getElementById('whoami').textContent = me.email_verified ? me.email : `${me.email} (not confirmed yet)`;
  document.getElementById('nav-enterprise').hidden = !(me.enterprise && me.enterprise.admin);
  // Admins see what the endpoint received, senders what became of theirs: anyone signed in may look.
  document.getElementById('nav-institution').hidden = !(await endpoint());
  return me;
}

function signedOutNav() {
  document.body.classList.remove('signed-in');
  closeMenu();
  document.getElementById('nav').hidden = true;
  document.getElementById('whoami').textContent = '';
}

/**
 * Shows the sign-in form, then comes back to where the user was going. When a session ended without
 * Sign out, what the page holds of its user (a draft, a kept key) waits, out of sight, for the next
 * sign-in: the same user finds it again, anyone else never sees it (loadMe → fetchMe drops it).
 */
function requireSignIn(notice) {
  closeReport();
  pauseComposer();
  signedOutNav();
  signInView(async () => {
    await loadMe();
    if (pendingFile) {
      const file = pendingFile;
      pendingFile = null;
      newView();
      await openFile(file);
    } else {
      const next = sessionStorage.getItem(AFTER_SIGN_IN);
      sessionStorage.removeItem(AFTER_SIGN_IN);
      const target = next || (['', '#', '#/', '#/signin', '#/signup'].includes(location.hash) ? '#/reports' : location.hash);
      if (target === location.hash) await route(); else location.hash = target;
    }
  }, notice);
}

/**
 * Draws the view the address names. Every call starts a new view (newView): a view whose data
 * arrives after the user moved on is not drawn, and going to the same address again redraws it.
 */
async function route() {
  closeReport();
  closeMenu();
  const view = newView();
  const hash = location.hash || '#/';
  shownHash = hash;
  leftComposer(hash);
  const waiting = sessionStorage.getItem(AFTER_SIGN_IN) !== null;
  if (hash === '#/signup') {
    return signUpView(waiting ? 'Once your address is confirmed and you have signed in, the report you were sent opens.' : null);
  }
  if (hash === '#/forgot-password') return forgotPasswordView();
  if (hash === '#/resend-confirmation') return resendConfirmationView();
  if (!hasSession()) {
    if (hash.startsWith('#/link/')) sessionStorage.setItem(AFTER_SIGN_IN, hash);
    return requireSignIn(hash.startsWith('#/link/') || waiting
      ? 'Sign in, or create a free account, to open the report you were sent.' : null);
  }
  try {
    if (document.getElementById('nav').hidden) await loadMe();
    if (!view.current()) return undefined;
    const link = /^#\/link\/([A-Z]{2})\/([A-Za-z0-9_-]+)$/.exec(hash);
    if (link) return await openLink(link[1], link[2]);
    switch (hash) {
      case '#/open': return openFileView();
      case '#/new': return await composeView(view);
      case '#/profile': return await profileView(view);
      case '#/enterprise': return await enterpriseView(view);
      case '#/institution': return await institutionView(view);
      case '#/connections': return await connectionsView(view);
      case '#/reports': case '#/': case '#/signin': return await reportsView(view);
      default: return view.show(el('section', {class: 'card'}, el('h1', {}, 'Not found'), el('p', {}, 'There is no such page.')));
    }
  } catch (e) {
    if (e instanceof SignedOutError) return view.current() ? requireSignIn('Your session ended: please sign in again.') : undefined;
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
    if (!mayLeaveComposer('#/open')) return;
    if (hasSession()) {
      leftComposer('#/open');
      newView(); // what was loading before the drop is not drawn over the report
      openFile(file);
    } else {
      pendingFile = file;
      requireSignIn(`Sign in to open ${file.name}. The file stays on this computer.`);
    }
  });
}

// On a narrow screen the navigation folds behind a Menu button in the header, which stays at the
// top of the screen: sign-out is always one tap away.
const menuButton = document.getElementById('menu-button');

function closeMenu() {
  document.getElementById('top').classList.remove('open');
  menuButton.setAttribute('aria-expanded', 'false');
}

menuButton.addEventListener('click', () => {
  const open = document.getElementById('top').classList.toggle('open');
  menuButton.setAttribute('aria-expanded', String(open));
  if (open) document.getElementById('nav-reports').focus();
});
document.addEventListener('keydown', e => {
  if (e.key === 'Escape' && document.getElementById('top').classList.contains('open')) {
    closeMenu();
    menuButton.focus();
  }
});

// A link to where the user already is draws that view again: "Open a file" opens the drop zone
// even when a report opened from it is on screen (no hashchange comes then).
document.addEventListener('click', e => {
  const link = e.target instanceof Element ? e.target.closest('a[href^="#/"]') : null;
  if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (link.getAttribute('href') === (location.hash || '#/')) {
    e.preventDefault();
    route();
  }
});

document.getElementById('sign-out').addEventListener('click', async () => {
  if (!mayLeaveComposer('#/signin')) return;
  pendingFile = null;
  sessionStorage.removeItem(AFTER_SIGN_IN);
  await signOut(); // drops the draft, the kept key and the open report (forgetWithUser)
  signedOutNav();
  if (location.hash === '#/signin') route(); else location.hash = '#/signin';
});
// Leaving an unsent report asks first; kept, the address goes back to it (no new history entry).
window.addEventListener('hashchange', () => {
  if (!mayLeaveComposer(location.hash || '#/')) {
    history.replaceState(null, '', shownHash);
    return;
  }
  route();
});
installDrop();
// A Box or Dropbox redirect back (?code&state) is handled by storage.js, not routed.
storageCallback(text => show(el('section', {class: 'card'}, el('p', {id: 'storage-callback'}, text))))
  .then(handled => { if (!handled) route(); });
