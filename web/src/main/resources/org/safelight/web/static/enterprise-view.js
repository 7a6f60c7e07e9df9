// The enterprise page for its admin: who the members are, and the API keys and Key Server Tokens
// (created with a label, shown once, listed with their last use, revoked).
import {copyText, el, errorBox, facts, formatTime, onPhone} from './dom.js';
import {ApiError, getJson, sendJson, SignedOutError} from './session.js';

const KINDS = [
  {kind: 'api-keys', list: 'api_keys', secret: 'api_key', credential: 'api_key', title: 'API keys', one: 'API key',
    about: 'For your sync script: lists and downloads your members\' cloud reports.'},
  {kind: 'key-server-tokens', list: 'key_server_tokens', secret: 'key_server_token', credential: 'key_server_token',
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
  const sections = KINDS.map(k => credentialSection(k, view));
  const members = enterprise.members || [];
  view.show(el('section', {class: 'card', id: 'enterprise'},
    el('h1', {}, 'Enterprise: ', el('span', {id: 'enterprise-name'}, enterprise.name)),
    facts([['Administrator', enterprise.admin_email, 'enterprise-admin'], ['PRO licence', enterprise.pro ? 'yes' : 'no', 'enterprise-pro'],
      ['Member domains', (enterprise.domains || []).join(', '), 'enterprise-domains']]),
    el('h2', {}, 'Members'),
    el('p', {class: 'hint'}, (enterprise.domains || []).length
      ? `Everyone with a confirmed address at ${(enterprise.domains || []).join(' or ')} is a member; so are these addresses:`
      : 'These addresses are members:'),
    members.length
      ? el('ul', {id: 'members'}, members.map(m => el('li', {}, m)))
      : el('p', {id: 'members'}, 'No members listed by address.')),
  sections.map(s => s.node));
  await Promise.all(sections.map(s => s.load()));
}

function cell(label, ...content) {
  return el('td', {'data-label': label}, ...content);
}

function credentialSection(k, view) {
  const once = el('div', {class: 'once', id: `${k.kind}-new`});
  const table = el('tbody', {});
  const status = el('div', {role: 'status'});
  const load = async () => {
    status.replaceChildren();
    try {
      const body = await getJson(`/api/v1/enterprise/${k.kind}`);
      if (!view.current()) return;
      table.replaceChildren(...body[k.list].map(c => el('tr', {'data-id': c.id, class: c.revoked ? 'revoked' : ''},
        cell('Label', el('span', {class: 'label'}, c.label || '(no label)')),
        cell('ID', el('code', {class: 'credential-id'}, c.id), ' ', copyButton(c.id, 'Copy ID', status)),
        cell('Ends in', `…${c.last4}`),
        cell('Created', formatTime(c.created_at)),
        cell('Last used', el('span', {class: 'last-used'}, c.last_used_at ? formatTime(c.last_used_at) : 'never')),
        cell('State', el('span', {class: 'state'}, c.revoked ? 'revoked' : 'active')),
        cell('', c.revoked ? '' : revokeButton(k, c, load, status)))));
    } catch (e) {
      if (e instanceof SignedOutError) throw e;
      status.replaceChildren(errorBox(e.message));
    }
  };
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
      await load();
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
      el('th', {}, 'Created'), el('th', {}, 'Last used'), el('th', {}, 'State'), el('th', {}, el('span', {class: 'visually-hidden'}, 'Actions')))),
    table));
  return {node, load};
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
