// The enterprise page for its admin: API keys and Key Server Tokens (created, shown once, listed,
// revoked) and who the members are.
import {el, errorBox, facts, formatTime, show} from './dom.js';
import {ApiError, getJson, sendJson, SignedOutError} from './session.js';

const KINDS = [
  {kind: 'api-keys', list: 'api_keys', secret: 'api_key', title: 'API keys',
    about: 'For your sync script: lists and downloads your members\' cloud reports.'},
  {kind: 'key-server-tokens', list: 'key_server_tokens', secret: 'key_server_token', title: 'Key Server Tokens',
    about: 'For your sync script and private key server: fetches keys of your members\' reports, audited as the enterprise.'},
];

export async function enterpriseView() {
  show(el('p', {}, 'Loading…'));
  let enterprise;
  try {
    enterprise = await getJson('/api/v1/enterprise');
  } catch (e) {
    if (e instanceof SignedOutError) throw e;
    show(el('section', {class: 'card'}, el('h1', {}, 'Enterprise'), errorBox(e instanceof ApiError && e.code === 'not_enterprise_admin'
      ? 'You do not administer an enterprise account.' : e.message)));
    return;
  }
  const sections = KINDS.map(k => credentialSection(k));
  show(el('section', {class: 'card', id: 'enterprise'},
    el('h1', {}, 'Enterprise: ', el('span', {id: 'enterprise-name'}, enterprise.name)),
    facts([['Administrator', enterprise.admin_email, 'enterprise-admin'], ['PRO licence', enterprise.pro ? 'yes' : 'no', 'enterprise-pro'],
      ['Member domains', (enterprise.domains || []).join(', '), 'enterprise-domains']]),
    el('h2', {}, 'Members'),
    (enterprise.members || []).length
      ? el('ul', {id: 'members'}, enterprise.members.map(m => el('li', {}, m)))
      : el('p', {id: 'members'}, 'No members listed by address (members by domain are not listed).')),
  sections.map(s => s.node));
  await Promise.all(sections.map(s => s.load()));
}

function credentialSection(k) {
  const once = el('div', {class: 'once', id: `${k.kind}-new`});
  const table = el('tbody', {});
  const status = el('div', {});
  const load = async () => {
    status.replaceChildren();
    try {
      const body = await getJson(`/api/v1/enterprise/${k.kind}`);
      table.replaceChildren(...body[k.list].map(c => el('tr', {'data-id': c.id, class: c.revoked ? 'revoked' : ''},
        el('td', {}, `…${c.last4}`), el('td', {}, formatTime(c.created_at)),
        el('td', {class: 'state'}, c.revoked ? 'revoked' : 'active'),
        el('td', {}, c.revoked ? '' : revokeButton(k, c, load, status)))));
    } catch (e) {
      status.replaceChildren(errorBox(e.message));
    }
  };
  const create = async () => {
    status.replaceChildren();
    try {
      const created = await sendJson('POST', `/api/v1/enterprise/${k.kind}`);
      const secret = el('input', {type: 'text', readonly: true, class: 'secret', id: `${k.kind}-secret`, value: created[k.secret]});
      once.replaceChildren(el('p', {class: 'notice'}, 'Copy it now: it is shown only this once.'), secret);
      secret.select();
      await load();
    } catch (e) {
      status.replaceChildren(errorBox(e.message));
    }
  };
  const node = el('section', {class: 'card', id: k.kind},
    el('h2', {}, k.title), el('p', {class: 'hint'}, k.about),
    el('button', {type: 'button', id: `${k.kind}-create`, onclick: create}, `Create ${k.title.replace(/s$/, '').replace(/^API keys?$/, 'API key')}`),
    once, status,
    el('table', {class: 'list'}, el('thead', {}, el('tr', {}, el('th', {}, 'Ends in'), el('th', {}, 'Created'),
      el('th', {}, 'State'), el('th', {}, ''))), table));
  return {node, load};
}

function revokeButton(k, credential, reload, status) {
  // Two clicks, so a stray one does not cut off a running sync script.
  let armed = false;
  const button = el('button', {type: 'button', class: 'revoke danger'}, 'Revoke');
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.textContent = 'Click again to revoke';
      return;
    }
    try {
      await sendJson('DELETE', `/api/v1/enterprise/${k.kind}/${encodeURIComponent(credential.id)}`);
      await reload();
    } catch (e) {
      status.replaceChildren(errorBox(e.message));
    }
  });
  return button;
}
