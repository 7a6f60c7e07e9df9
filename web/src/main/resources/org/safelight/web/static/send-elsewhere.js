// The send panel's other destinations: the institution's endpoints and mailboxes (which the
// enterprise admin configures), and Box or Dropbox for PRO users. Each section loads its list when
// the panel opens and hides itself when there is nothing to offer.
import {el} from './dom.js';
import {SignedOutError} from './session.js';

// Loaded when the panel opens, so that a server without these features hides a section, not the panel.
const serverSends = () => import('./server-sends.js');
const storage = () => import('./storage.js');

function problem(what, e) {
  if (e instanceof SignedOutError) return `Your session has ended, so ${what}: sign in again.`;
  if (e instanceof TypeError) return `The server could not be reached, so ${what}: check the connection and try again.`;
  return `${what.charAt(0).toUpperCase()}${what.slice(1)}: ${e?.message || e}`;
}

/** One button per destination; a static-key destination gets the report sealed for its key. */
export function institutionSection(ctx) {
  const list = el('div', {class: 'actions', id: 'institution-destinations'});
  const section = el('section', {class: 'send-option', id: 'send-option-institution', hidden: true},
    el('h2', {}, 'Your institution'), list);
  (async () => {
    let destinations;
    try {
      destinations = await (await serverSends()).institutionDestinations();
    } catch (e) {
      return; // none configured, not a member, or a server without them: nothing to offer
    }
    if (!Array.isArray(destinations) || destinations.length === 0) return;
    for (const d of destinations) {
      const button = el('button', {type: 'button', class: 'secondary destination', 'data-destination': d.id,
        id: `send-destination-${d.id}`, onclick: async () => {
          button.disabled = true;
          try {
            const file = d.static_key ? await ctx.sealAs({kind: 'static', publicKey: d.static_key}) : ctx.sealed;
            ctx.progress.show(`Sending to ${d.name}`);
            const answer = await (await serverSends()).sendToDestination(d.id,
              {blob: file.blob, fileName: file.fileName, reportId: file.reportId || ctx.sealed.reportId});
            ctx.done(d.kind === 'mailbox' ? 'email' : 'endpoint', `Sent to ${answer?.name || d.name}.`);
          } catch (e) {
            ctx.failed(problem(`it was not sent to ${d.name}`, e));
          } finally {
            ctx.progress.hide();
            button.disabled = false;
          }
        }}, d.name);
      list.append(button);
    }
    section.hidden = false;
  })();
  return section;
}

/** A storage service the user may use and has connected: the sealed or (if the operator allows) the plain report. */
function storageSend(ctx, mod, service, redraw) {
  const name = `storage-${service.provider}-kind`;
  const choice = service.plain_allowed ? el('fieldset', {class: 'storage-kind'},
    el('legend', {}, `What goes to ${service.name}`),
    el('label', {class: 'radio'}, el('input', {type: 'radio', name, value: 'sealed', checked: true,
      id: `${service.provider}-sealed`}), 'The sealed report (.picsafe) — recommended'),
    el('label', {class: 'radio'}, el('input', {type: 'radio', name, value: 'plain', id: `${service.provider}-plain`}),
      `The plain report (a ZIP anyone with access to your ${service.name} can read)`)) : null;
  const button = el('button', {type: 'button', id: `send-${service.provider}`, onclick: async () => {
    button.disabled = true;
    const plain = choice && choice.querySelector('input[value=plain]').checked;
    try {
      const file = plain ? await ctx.sealAs({kind: 'plain'}) : ctx.sealed;
      ctx.progress.show(`Uploading to ${service.name}`);
      const answer = await mod.sendToStorage(service.provider,
        {blob: file.blob, fileName: file.fileName, reportId: file.reportId || ctx.sealed.reportId});
      ctx.done(service.provider, `Saved ${plain ? 'the plain report' : 'the sealed report'} in ${service.name}`
        + `${answer?.path ? `: ${answer.path}` : ''}.`);
    } catch (e) {
      if (e?.code === 'storage_not_connected') redraw();
      ctx.failed(problem(`it was not saved in ${service.name}`, e));
    } finally {
      ctx.progress.hide();
      button.disabled = false;
    }
  }}, `Send to ${service.name}`);
  return el('div', {class: 'storage-service', 'data-provider': service.provider}, choice, button);
}

function storageRow(ctx, mod, service, redraw) {
  if (!service.allowed) {
    return el('p', {class: 'hint storage-why', id: `storage-why-${service.provider}`, 'data-provider': service.provider},
      `${service.name}: ${service.why || 'not available for your account.'}`);
  }
  if (!service.connected) {
    const connect = el('button', {type: 'button', class: 'secondary', id: `connect-${service.provider}`, onclick: async () => {
      connect.disabled = true;
      try {
        // called at once from the click: the popup opens only with the user's gesture
        await mod.connectStorage(service.provider);
        redraw();
      } catch (e) {
        connect.disabled = false;
        ctx.failed(problem(`${service.name} was not connected`, e));
      }
    }}, `Connect ${service.name}`);
    return el('div', {class: 'storage-service', 'data-provider': service.provider}, connect);
  }
  return storageSend(ctx, mod, service, redraw);
}

export function storageSection(ctx) {
  const body = el('div', {id: 'storage-services'});
  const section = el('section', {class: 'send-option', id: 'send-option-storage', hidden: true},
    el('h2', {}, 'Box and Dropbox'), body);
  const draw = async () => {
    let mod;
    let services;
    try {
      mod = await storage();
      services = (await mod.storageServices()).filter(s => s.configured);
    } catch (e) {
      return; // a server without storage: nothing to offer
    }
    if (services.length === 0) return;
    body.replaceChildren(...services.map(s => storageRow(ctx, mod, s, draw)));
    section.hidden = false;
  };
  draw();
  return section;
}
