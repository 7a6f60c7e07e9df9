// "Connections": connect or disconnect Box and Dropbox (PRO users), and why a service is not there.
import {el, errorBox} from './dom.js';
import {connectStorage, disconnectStorage, storageServices} from './storage.js';

export async function connectionsView(view) {
  const services = await storageServices();
  const list = el('ul', {class: 'connections', id: 'connections'});
  for (const s of services) list.append(serviceRow(view, s));
  view.show(el('section', {class: 'card'},
    el('h1', {}, 'Connections'),
    el('p', {}, 'Connect a storage service once; the reports you send there go into a Safelight folder in Box, or the app folder in Dropbox.'),
    list));
}

function serviceRow(view, s) {
  const status = el('span', {class: 'status', id: `storage-${s.provider}-status`},
    s.connected ? 'Connected' : (s.allowed ? 'Not connected' : s.why));
  const row = el('li', {id: `storage-${s.provider}`}, el('strong', {}, s.name), ' ', status);
  if (!s.allowed) return row;
  const problem = el('span', {role: 'alert', class: 'error'});
  const again = () => connectionsView(view).catch(e => problem.replaceWith(errorBox(e.message)));
  const button = s.connected
    ? el('button', {type: 'button', class: 'secondary small', id: `storage-${s.provider}-disconnect`,
      onclick: async () => {
        await disconnectStorage(s.provider).catch(e => { problem.textContent = e.message; });
        await again();
      }}, 'Disconnect')
    : el('button', {type: 'button', class: 'small', id: `storage-${s.provider}-connect`,
      onclick: async () => {
        status.textContent = 'Connecting…';
        try {
          await connectStorage(s.provider);
          await again();
        } catch (e) {
          status.textContent = 'Not connected';
          problem.textContent = e.message === 'cancelled' ? 'Connecting was cancelled.' : e.message;
        }
      }}, `Connect ${s.name}`);
  row.append(' ', button, ' ', problem);
  return row;
}
