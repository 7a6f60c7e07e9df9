// The enterprise page for its admin: who the members are (listed, and the confirmed accounts at its
// domains), and the API keys and Key Server Tokens (created with a label, shown once, listed with
// their last use, revoked). All of it comes from GET /api/v1/enterprise; the institution's
// destinations (enterprise-destinations.js) from their own route.
import {copyText, el, errorBox, facts, formatTime, onPhone} from './dom.js';
import {ApiError, getJson, sendJson, SignedOutError} from './session.js';
import {destinationsSection} from './enterprise-destinations.js';

const KINDS = [
  {kind: 'api-keys', secret: 'api_key', credential: 'api_key', title: 'API keys', one: 'API key',
    about: 'For your sync script: lists and downloads your members\' cloud reports.'},
  {kind: 'key-server-tokens', secret: 'key_server_token', credential: 'key_server_token',
    title: 'Key Server Tokens', one: 'Key Server Token',
    about: 'For your sync script and private key server: fetches keys of your members\' reports, audited as the enterprise.'},
];

/** The page; view: its ticket from the router (nothing is drawn once the user moved on). */
export async function enterpriseView(view) {
  view.show(el('p', {role: 'status'}, 'Loading…'));
  let enterprise;
  try {
    enterprise = await getJson('/api/v1/enterprise');
  } catch (e) {
    if (e instanceof SignedOutError) throw e;
    view.show(el('section', {class: 'card'}, el('h1', {}, 'Enterprise'), errorBox(e instanceof ApiError && e.code === 'not_enterprise_admin'
      ? 'You do not administer an enterprise account.' : e.message)));
    return;
  }
  // GET /api/v1/enterprise holds the live credentials of both kinds: one call fills both tables,
  // and after a change one call fills them again
  const sections = KINDS.map(k => credentialSection(k, () => reload()));
  const fill = e => sections.forEach(s => s.fill((e.credentials || []).filter(c => c.kind === s.kind.credential)));
  async function reload() {
    const fresh = await getJson('/api/v1/enterprise');
    if (view.current()) fill(fresh);
  }
  const members = enterprise.members || [];
  const domains = enterprise.domains || [];
  view.show(el('section', {class: 'card', id: 'enterprise'},
    el('h1', {}, 'Enterprise: ', el('span', {id: 'enterprise-name'}, enterprise.name)),
    facts([['Administrator', enterprise.admin_email, 'enterprise-admin'], ['PRO licence', enterprise.pro ? 'yes' : 'no', 'enterprise-pro'],
      ['Member domains', domains.join(', '), 'enterprise-domains']]),
    el('h2', {}, 'Members'),
    el('p', {class: 'hint'}, domains.length
      ? `Everyone with a confirmed address at ${domains.join(' or ')} is a member; so are these addresses:`
      : 'These addresses are members:'),
    members.length
      ? el('ul', {id: 'members'}, members.map(m => el('li', {}, m)))
      : el('p', {id: 'members'}, 'No members listed by address.'),
    domains.length ? domainMembers(enterprise) : ''),
  sections.map(s => s.node), destinationsSection());
  fill(enterprise);
}

/** The confirmed accounts at the enterprise's domains: a table on a computer, cards on a phone. */
function domainMembers(enterprise) {
  const people = enterprise.domain_members || [];
  return el('div', {id: 'domain-members'},
    el('h3', {}, `Confirmed accounts at ${enterprise.domains.join(' or ')}`),
    people.length
      ? el('table', {class: 'list', id: 'domain-members-table'},
        el('thead', {}, el('tr', {}, el('th', {}, 'Email'), el('th', {}, 'Name'), el('th', {}, 'Confirmed'))),
        el('tbody', {}, people.map(m => el('tr', {},
          cell('Email', el('span', {class: 'email'}, m.email)), cell('Name', m.name || ''),
          cell('Confirmed', m.confirmed_at ? formatTime(m.confirmed_at) : '')))))
      : el('p', {}, 'No confirmed accounts at these domains yet.'),
    enterprise.domain_members_truncated
      ? el('p', {class: 'hint', id: 'domain-members-truncated'},
        `Only the first ${people.length} by address are listed.`) : '');
}

function cell(label, ...content) {
  return el('td', {'data-label': label}, ...content);
}

/** One kind's section; fill(credentials) draws its live credentials, reload() fetches the page's data again. */
function credentialSection(k, reload) {
  const once = el('div', {class: 'once', id: `${k.kind}-new`});
  const table = el('tbody', {});
  const status = el('div', {role: 'status'});
  const refresh = async () => {
    try {
      await reload();
    } catch (e) {
      if (e instanceof SignedOutError) throw e;
      status.replaceChildren(errorBox(e.message));
    }
  };
  const fill = credentials => table.replaceChildren(...credentials.map(c => el('tr', {'data-id': c.id},
    cell('Label', el('span', {class: 'label'}, c.label || '(no label)')),
    cell('ID', el('code', {class: 'credential-id'}, c.id), ' ', copyButton(c.id, 'Copy ID', status)),
    cell('Ends in', `…${c.last4}`),
    cell('Created', formatTime(c.created_at)),
    cell('Last used', el('span', {class: 'last-used'}, c.last_used_at ? formatTime(c.last_used_at) : 'never')),
    cell('', revokeButton(k, c, refresh, status)))));
  const label = el('input', {id: `${k.kind}-label`, name: 'label', maxlength: 100, autocomplete: 'off',
    placeholder: 'such as: nightly sync, ward 4 server'});
  const create = async e => {
    e.preventDefault();
    status.replaceChildren();
    try {
      const text = label.value.trim();
      const created = await sendJson('POST', `/api/v1/enterprise/${k.kind}`, text ? {label: text} : undefined);
      const secret = el('input', {type: 'text', readonly: true, class: 'secret', id: `${k.kind}-secret`, value: created[k.secret],
        'aria-label': `The new ${k.one}`});
      once.replaceChildren(el('p', {class: 'notice'}, 'Copy it now: it is shown only this once.'), secret,
        copyButton(created[k.secret], `Copy the ${k.one}`, status));
      secret.select();
      label.value = '';
      await refresh();
    } catch (err) {
      if (err instanceof SignedOutError) throw err;
      status.replaceChildren(errorBox(err.message));
    }
  };
  const node = el('section', {class: 'card', id: k.kind},
    el('h2', {}, k.title), el('p', {class: 'hint'}, k.about),
    el('form', {class: 'create', onsubmit: create},
      el('div', {class: 'field'}, el('label', {for: `${k.kind}-label`}, `Label of a new ${k.one} (what it is for)`), label),
      el('button', {type: 'submit', id: `${k.kind}-create`}, `Create ${k.one}`)),
    once, status,
    el('table', {class: 'list'}, el('thead', {}, el('tr', {}, el('th', {}, 'Label'), el('th', {}, 'ID'), el('th', {}, 'Ends in'),
      el('th', {}, 'Created'), el('th', {}, 'Last used'), el('th', {}, el('span', {class: 'visually-hidden'}, 'Actions')))),
    table));
  return {node, fill, kind: k};
}

function copyButton(text, title, status) {
  return el('button', {type: 'button', class: 'copy secondary small', onclick: async () => {
    status.replaceChildren(el('p', {}, (await copyText(text)) ? 'Copied.' : `Copy it by hand: ${text}`));
  }}, title);
}

function revokeButton(k, credential, reload, status) {
  // Two clicks, so a stray one does not cut off a running sync script.
  let armed = false;
  const button = el('button', {type: 'button', class: 'revoke danger'}, 'Revoke');
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.textContent = onPhone() ? 'Tap again to revoke' : 'Click again to revoke';
      return;
    }
    try {
      await sendJson('DELETE', `/api/v1/enterprise/${k.kind}/${encodeURIComponent(credential.id)}`);
      await reload();
    } catch (e) {
      if (e instanceof SignedOutError) throw e;
      status.replaceChildren(errorBox(e.message));
    }
  });
  return button;
}
