// The enterprise page's "Destinations" section, for its admin: the institution's intake endpoints
// and mailboxes its members may send reports to from the composer (the server posts or emails the
// sealed report on their behalf). Listed, added (an endpoint with its https address and, if the
// institution has one, its static public key; a mailbox with its address) and removed.
import {el, errorBox, formatTime, onPhone} from './dom.js';
import {getJson, sendJson, SignedOutError} from './session.js';

const API = '/api/v1/enterprise/destinations';

/** The section's node; it loads its list itself. */
export function destinationsSection() {
  const rows = el('tbody', {});
  const status = el('div', {role: 'status', id: 'destinations-status'});
  const empty = el('p', {id: 'destinations-empty', hidden: true}, 'No destinations yet: members can send reports by'
    + ' email and to the cloud, but to no institution.');
  const fail = e => {
    if (e instanceof SignedOutError) throw e;
    status.replaceChildren(errorBox(e.message, 'destinations-error'));
  };
  async function reload() {
    const answer = await getJson(API);
    const list = answer.destinations || [];
    rows.replaceChildren(...list.map(d => row(d, () => reload().catch(fail), fail)));
    empty.hidden = list.length > 0;
  }
  const added = async body => {
    status.replaceChildren();
    await sendJson('POST', API, body);
    await reload();
    status.replaceChildren(el('p', {}, `Added ${body.name}.`));
  };
  reload().catch(fail);
  return el('section', {class: 'card', id: 'destinations'},
    el('h2', {}, 'Destinations'),
    el('p', {class: 'hint'}, 'Where your members can send a report from "New report": your institution\'s'
      + ' Safelight endpoint (its intake) or a mailbox that one reads. Members see the names only.'),
    status,
    el('table', {class: 'list', id: 'destinations-table'},
      el('thead', {}, el('tr', {}, el('th', {}, 'Name'), el('th', {}, 'Kind'), el('th', {}, 'Address'),
        el('th', {}, 'Static key'), el('th', {}, 'Added'), el('th', {}, el('span', {class: 'visually-hidden'}, 'Actions')))),
      rows),
    empty,
    endpointForm(added, fail),
    mailboxForm(added, fail));
}

function row(d, reload, fail) {
  return el('tr', {'data-id': d.id},
    cell('Name', el('span', {class: 'name'}, d.name)),
    cell('Kind', d.kind === 'endpoint' ? 'Endpoint' : 'Mailbox'),
    cell('Address', el('code', {class: 'target'}, d.kind === 'endpoint' ? d.url : d.address)),
    cell('Static key', d.static_key ? 'yes' : 'no'),
    cell('Added', formatTime(d.created_at)),
    cell('', removeButton(d, reload, fail)));
}

function cell(label, ...content) {
  return el('td', {'data-label': label}, ...content);
}

function field(id, label, input) {
  return el('div', {class: 'field'}, el('label', {for: id}, label), input);
}

function endpointForm(added, fail) {
  const name = el('input', {id: 'destination-endpoint-name', required: true, maxlength: 100, autocomplete: 'off',
    placeholder: 'such as: Medical records'});
  const url = el('input', {id: 'destination-endpoint-url', type: 'url', required: true, autocomplete: 'off',
    placeholder: 'https://safelight-intake.hospital.example'});
  const key = el('textarea', {id: 'destination-endpoint-key', rows: 3, class: 'pem', spellcheck: 'false',
    placeholder: '-----BEGIN PUBLIC KEY----- (optional)'});
  const submit = async e => {
    e.preventDefault();
    try {
      const body = {kind: 'endpoint', name: name.value.trim(), url: url.value.trim()};
      if (key.value.trim()) body.static_key = key.value.trim();
      await added(body);
      name.value = url.value = key.value = '';
    } catch (err) {
      fail(err);
    }
  };
  return el('form', {class: 'create destination-form', id: 'destination-endpoint-form', onsubmit: submit},
    el('h3', {}, 'Add an endpoint'),
    field(name.id, 'Name members see', name),
    field(url.id, 'Endpoint address (https)', url),
    field(key.id, 'Static public key, PEM (if reports for it are sealed with your institution\'s key)', key),
    el('button', {type: 'submit', id: 'destination-endpoint-add'}, 'Add endpoint'));
}

function mailboxForm(added, fail) {
  const name = el('input', {id: 'destination-mailbox-name', required: true, maxlength: 100, autocomplete: 'off',
    placeholder: 'such as: Wound clinic'});
  const address = el('input', {id: 'destination-mailbox-address', type: 'email', required: true, autocomplete: 'off',
    placeholder: 'safelight@hospital.example'});
  const submit = async e => {
    e.preventDefault();
    try {
      await added({kind: 'mailbox', name: name.value.trim(), address: address.value.trim()});
      name.value = address.value = '';
    } catch (err) {
      fail(err);
    }
  };
  return el('form', {class: 'create destination-form', id: 'destination-mailbox-form', onsubmit: submit},
    el('h3', {}, 'Add a mailbox'),
    field(name.id, 'Name members see', name),
    field(address.id, 'Email address', address),
    el('button', {type: 'submit', id: 'destination-mailbox-add'}, 'Add mailbox'));
}

function removeButton(d, reload, fail) {
  // Two clicks, so a stray one does not take a ward's destination away.
  let armed = false;
  const button = el('button', {type: 'button', class: 'remove danger'}, 'Remove');
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.textContent = onPhone() ? 'Tap again to remove' : 'Click again to remove';
      return;
    }
    try {
      await sendJson('DELETE', `${API}/${encodeURIComponent(d.id)}`);
      await reload();
    } catch (e) {
      fail(e);
    }
  });
  return button;
}
