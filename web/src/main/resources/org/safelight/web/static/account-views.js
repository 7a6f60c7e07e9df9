// Sign in and sign up.
import {el, errorBox, show} from './dom.js';
import {ApiError, resendVerification, signIn, signUp} from './session.js';

function field(label, attributes) {
  return el('label', {}, el('span', {}, label), el('input', attributes));
}

/** The sign-in form; onSignedIn() runs after a successful sign-in. notice: why we ask. */
export function signInView(onSignedIn, notice) {
  const status = el('div', {id: 'form-status'});
  const form = el('form', {id: 'signin-form', class: 'card narrow'},
    el('h1', {}, 'Sign in'),
    notice ? el('p', {class: 'notice', id: 'notice'}, notice) : null,
    field('Email', {id: 'signin-email', name: 'email', type: 'email', autocomplete: 'username', required: true}),
    field('Password', {id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true}),
    el('button', {type: 'submit', id: 'signin-submit'}, 'Sign in'),
    status,
    el('p', {}, 'No account yet? ', el('a', {href: '#/signup', id: 'to-signup'}, 'Create a free account')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    status.replaceChildren();
    try {
      await signIn(form.elements.email.value.trim(), form.elements.password.value);
      await onSignedIn();
    } catch (err) {
      status.replaceChildren(errorBox(err instanceof ApiError && err.code === 'invalid_credentials'
        ? 'That email address and password do not match an account.' : err.message));
      if (err instanceof ApiError && err.code === 'email_unverified') status.append(resendButton(form.elements.email.value.trim()));
    }
  });
  show(form);
  form.elements.email.focus();
}

/** A button that mails a new confirmation link to the address (the old ones stay valid until used or expired). */
function resendButton(email) {
  const button = el('button', {type: 'button', id: 'resend-link'}, 'Send a new link');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await resendVerification(email);
      button.replaceWith(el('p', {id: 'resent'}, 'A new link is on its way to ', el('strong', {}, email),
        ': open it, enter the password you chose when you signed up and press its button, then sign in.'));
    } catch (err) {
      button.replaceWith(errorBox(err.message, 'resend-error'));
    }
  });
  return button;
}

export function signUpView(notice) {
  const status = el('div', {id: 'form-status'});
  const form = el('form', {id: 'signup-form', class: 'card narrow'},
    el('h1', {}, 'Create a free account'),
    notice ? el('p', {class: 'notice'}, notice) : null,
    field('First name', {id: 'signup-first', name: 'first_name', required: true, autocomplete: 'given-name'}),
    field('Last name', {id: 'signup-last', name: 'last_name', required: true, autocomplete: 'family-name'}),
    field('Title (optional)', {id: 'signup-title', name: 'title', autocomplete: 'honorific-prefix'}),
    field('Country (two letters, e.g. AU)', {id: 'signup-country', name: 'country', maxlength: 2, autocomplete: 'country'}),
    field('Email', {id: 'signup-email', name: 'email', type: 'email', required: true, autocomplete: 'email'}),
    field('Password (at least 10 characters)', {id: 'signup-password', name: 'password', type: 'password',
      minlength: 10, required: true, autocomplete: 'new-password'}),
    el('button', {type: 'submit', id: 'signup-submit'}, 'Create account'),
    status,
    el('p', {}, 'Already have an account? ', el('a', {href: '#/signin', id: 'to-signin'}, 'Sign in')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    status.replaceChildren();
    const f = form.elements;
    const fields = {first_name: f.first_name.value.trim(), last_name: f.last_name.value.trim(),
      title: f.title.value.trim(), email: f.email.value.trim(), password: f.password.value};
    if (f.country.value.trim()) fields.country = f.country.value.trim().toUpperCase();
    try {
      const created = await signUp(fields);
      show(el('section', {class: 'card narrow', id: 'signup-done'},
        el('h1', {}, 'Check your email'),
        el('p', {}, 'We sent a link to ', el('strong', {}, created.email || fields.email),
          '. Open it, enter the password you chose when you signed up and press its button to confirm your'
          + ' address, then sign in: an account can be used once its'
          + ' address is confirmed. (If the address has an account already, its owner gets a note instead.)'),
        el('p', {}, el('a', {href: '#/signin', id: 'to-signin'}, 'Sign in'))));
    } catch (err) {
      status.replaceChildren(errorBox(err.message));
    }
  });
  show(form);
}
