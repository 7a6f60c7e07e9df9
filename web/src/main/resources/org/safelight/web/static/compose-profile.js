// Your profile (#/profile): the name, title and country a report names as its author. Reached from
// the composer, which keeps its draft meanwhile and shows the changed details on return.
import {el, errorBox} from './dom.js';
import {ApiError, fetchMe, sendJson, SignedOutError} from './session.js';
import {countries} from './countries.js';
import {currentDraft} from './compose-view.js';

function field(label, attributes) {
  return el('div', {class: 'field'}, el('label', {for: attributes.id}, label), el('input', attributes));
}

/** The view; view: its ticket from the router. */
export async function profileView(view) {
  view.show(el('p', {role: 'status'}, 'Loading your profile…'));
  let me;
  try {
    me = await fetchMe();
  } catch (e) {
    if (e instanceof SignedOutError) throw e;
    view.show(el('section', {class: 'card narrow'}, el('h1', {}, 'Your profile'), errorBox(e.message)));
    return;
  }
  const status = el('div', {id: 'profile-status', 'aria-live': 'polite'});
  const country = el('select', {id: 'profile-country', name: 'country', autocomplete: 'country'},
    el('option', {value: ''}, 'Choose (optional)'),
    countries().map(([code, name]) => el('option', {value: code, selected: code === me.country}, name)));
  const back = currentDraft() ? el('p', {}, el('a', {href: '#/new', id: 'back-to-report'}, 'Back to the new report')) : null;
  const form = el('form', {id: 'profile-form', class: 'card narrow', novalidate: true},
    el('h1', {}, 'Your profile'),
    el('p', {class: 'hint'}, `Reports you make name you as their author with these details and ${me.email}.`),
    field('First name', {id: 'profile-first', name: 'first_name', required: true, autocomplete: 'given-name', value: me.first_name || ''}),
    field('Last name', {id: 'profile-last', name: 'last_name', required: true, autocomplete: 'family-name', value: me.last_name || ''}),
    field('Title (optional, such as Dr or RN)', {id: 'profile-title', name: 'title', autocomplete: 'honorific-prefix',
      value: me.title || ''}),
    el('div', {class: 'field'}, el('label', {for: 'profile-country'}, 'Country'), country),
    el('button', {type: 'submit', id: 'profile-save'}, 'Save'),
    status, back);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    status.replaceChildren();
    const f = form.elements;
    const first = [f.first_name, f.last_name].find(c => !c.value.trim());
    if (first) {
      status.replaceChildren(errorBox(`Enter your ${first === f.first_name ? 'first' : 'last'} name.`));
      first.focus();
      return;
    }
    const fields = {first_name: f.first_name.value.trim(), last_name: f.last_name.value.trim(), title: f.title.value.trim()};
    if (f.country.value) fields.country = f.country.value;
    try {
      await sendJson('PATCH', '/api/v1/accounts/me', fields);
      status.replaceChildren(el('p', {id: 'profile-saved', role: 'status'}, 'Saved.'));
    } catch (err) {
      if (err instanceof SignedOutError) throw err;
      status.replaceChildren(errorBox(err instanceof ApiError ? err.message : `Not saved: ${err.message}`));
    }
  });
  view.show(form);
}
