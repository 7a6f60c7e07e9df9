// Sign in, sign up, a forgotten password and a new confirmation link.
import {el, errorBox, show} from './dom.js';
import {ApiError, requestPasswordReset, resendVerification, signIn, signUp} from './session.js';
import {countries} from './countries.js';

/** A labelled control; its error, when it has one, goes right after it (see fieldError). */
function field(label, attributes, control = 'input') {
  return el('div', {class: 'field'}, el('label', {for: attributes.id}, label), el(control, attributes));
}

/** Marks a control invalid and says why next to it (aria-invalid, aria-describedby). */
function fieldError(input, message) {
  const id = `${input.id}-error`;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', id);
  input.closest('.field').append(el('p', {class: 'field-error error', id}, message));
}

function clearErrors(form, status) {
  status.replaceChildren();
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const c of form.querySelectorAll('[aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    c.removeAttribute('aria-describedby');
  }
}

/** The browser's own check of a control (required, type=email, minlength), as a sentence; null if fine. */
function problem(input, name) {
  const v = input.validity;
  if (v.valueMissing) return `Enter ${name}.`;
  if (v.typeMismatch) return `Enter ${name} such as name@example.org.`;
  if (v.tooShort) return `Use at least ${input.minLength} characters.`;
  return null;
}

/** Checks the controls [input, name] in order; marks each failing one; focuses the first. */
function checked(pairs) {
  let first = null;
  for (const [input, name, extra] of pairs) {
    const message = problem(input, name) || (extra ? extra() : null);
    if (message) {
      fieldError(input, message);
      first = first || input;
    }
  }
  if (first) first.focus();
  return first === null;
}

/** A server's refusal next to the field it is about ("'country' must be…", weak_password), else under the form. */
function refusal(form, status, err) {
  const quoted = err instanceof ApiError ? /^'([a-z_]+)'/.exec(err.message) : null;
  const name = err instanceof ApiError && err.code === 'weak_password' ? 'password' : quoted && quoted[1];
  const input = name ? form.elements[name] : null;
  if (input && input.id) {
    fieldError(input, err.message.charAt(0).toUpperCase() + err.message.slice(1).replace(/^'([a-z_]+)'/, 'This'));
    input.focus();
  } else {
    status.replaceChildren(errorBox(err.message));
  }
}

function emailField(id, autocomplete) {
  return field('Email', {id, name: 'email', type: 'email', autocomplete, required: true, spellcheck: 'false'});
}

/** The sign-in form; onSignedIn() runs after a successful sign-in. notice: why we ask. */
export function signInView(onSignedIn, notice) {
  const status = el('div', {id: 'form-status'});
  const form = el('form', {id: 'signin-form', class: 'card narrow', novalidate: true},
    el('h1', {}, 'Sign in'),
    notice ? el('p', {class: 'notice', id: 'notice'}, notice) : null,
    emailField('signin-email', 'username'),
    field('Password', {id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true}),
    el('button', {type: 'submit', id: 'signin-submit'}, 'Sign in'),
    status,
    el('ul', {class: 'links'},
      el('li', {}, el('a', {href: '#/forgot-password', id: 'to-forgot-password'}, 'Forgot password?')),
      el('li', {}, el('a', {href: '#/resend-confirmation', id: 'to-resend'}, 'Resend the confirmation email')),
      el('li', {}, 'No account yet? ', el('a', {href: '#/signup', id: 'to-signup'}, 'Create a free account'))));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    clearErrors(form, status);
    const f = form.elements;
    if (!checked([[f.email, 'your email address'], [f.password, 'your password']])) return;
    try {
      await signIn(f.email.value.trim(), f.password.value);
      await onSignedIn();
    } catch (err) {
      status.replaceChildren(errorBox(err instanceof ApiError && err.code === 'invalid_credentials'
        ? 'That email address and password do not match an account.' : err.message));
      if (err instanceof ApiError && err.code === 'email_unverified') status.append(resendButton(f.email.value.trim()));
    }
  });
  show(form);
  form.elements.email.focus();
}

const CONFIRM_NEXT = ': open it, enter the password you chose when you signed up and press its button, then sign in.';

/** A button that mails a new confirmation link to the address (the old ones stay valid until used or expired). */
function resendButton(email) {
  const button = el('button', {type: 'button', id: 'resend-link'}, 'Send a new link');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await resendVerification(email);
      button.replaceWith(el('p', {id: 'resent', role: 'status'}, 'A new link is on its way to ', el('strong', {}, email),
        CONFIRM_NEXT));
    } catch (err) {
      button.replaceWith(errorBox(err.message, 'resend-error'));
    }
  });
  return button;
}

/**
 * A form that asks for an address only and posts it; done(email) is what the page says next. The
 * server answers the same whether or not the address has an account, and so does the page.
 */
function addressForm({id, title, about, button, send, done}) {
  const status = el('div', {id: 'form-status'});
  const form = el('form', {id, class: 'card narrow', novalidate: true},
    el('h1', {}, title),
    el('p', {}, about),
    emailField(`${id}-email`, 'email'),
    el('button', {type: 'submit', id: `${id}-submit`}, button),
    status,
    el('p', {}, el('a', {href: '#/signin', id: 'to-signin'}, 'Back to sign in')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    clearErrors(form, status);
    const email = form.elements.email;
    if (!checked([[email, 'your email address']])) return;
    try {
      await send(email.value.trim());
      show(el('section', {class: 'card narrow', id: `${id}-done`}, el('h1', {}, 'Check your email'), done(email.value.trim()),
        el('p', {}, el('a', {href: '#/signin', id: 'to-signin'}, 'Sign in'))));
    } catch (err) {
      refusal(form, status, err);
    }
  });
  show(form);
}

export function forgotPasswordView() {
  addressForm({id: 'forgot-password', title: 'Forgot your password?',
    about: 'Enter the address you signed up with. We email it a link to choose a new password.',
    button: 'Email me a link', send: requestPasswordReset,
    done: email => el('p', {}, 'If ', el('strong', {}, email), ' has an account, a link is on its way to it. '
      + 'Open it within one hour and choose a new password; then sign in with the new password. '
      + 'Nothing arrived? Check the spam folder, or ask again in a few minutes.')});
}

export function resendConfirmationView() {
  addressForm({id: 'resend-confirmation', title: 'Resend the confirmation email',
    about: 'An account can be used once its address is confirmed. Enter the address you signed up with: '
      + 'we email it a new link to confirm it.',
    button: 'Send a new link', send: resendVerification,
    done: email => el('p', {}, 'If ', el('strong', {}, email), ' has an account that is not confirmed yet, a new link is on '
      + 'its way to it. Open it within 24 hours, enter the password you chose when you signed up and press its button, '
      + 'then sign in.')});
}

export function signUpView(notice) {
  const status = el('div', {id: 'form-status'});
  const country = el('select', {id: 'signup-country', name: 'country', autocomplete: 'country'},
    el('option', {value: ''}, 'Choose (optional)'),
    countries().map(([code, name]) => el('option', {value: code}, name)));
  const form = el('form', {id: 'signup-form', class: 'card narrow', novalidate: true},
    el('h1', {}, 'Create a free account'),
    notice ? el('p', {class: 'notice'}, notice) : null,
    field('First name', {id: 'signup-first', name: 'first_name', required: true, autocomplete: 'given-name'}),
    field('Last name', {id: 'signup-last', name: 'last_name', required: true, autocomplete: 'family-name'}),
    field('Title (optional, such as Dr or RN)', {id: 'signup-title', name: 'title', autocomplete: 'honorific-prefix'}),
    el('div', {class: 'field'}, el('label', {for: 'signup-country'}, 'Country'), country),
    emailField('signup-email', 'email'),
    field('Password (at least 10 characters)', {id: 'signup-password', name: 'password', type: 'password',
      minlength: 10, required: true, autocomplete: 'new-password'}),
    field('The same password again', {id: 'signup-password-again', name: 'password_again', type: 'password',
      required: true, autocomplete: 'new-password'}),
    el('button', {type: 'submit', id: 'signup-submit'}, 'Create account'),
    status,
    el('p', {}, 'Already have an account? ', el('a', {href: '#/signin', id: 'to-signin'}, 'Sign in')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    clearErrors(form, status);
    const f = form.elements;
    if (!checked([[f.first_name, 'your first name'], [f.last_name, 'your last name'], [f.email, 'your email address'],
      [f.password, 'a password'],
      [f.password_again, 'the password again', () => (f.password_again.value !== f.password.value
        ? 'The two passwords differ: type the same password twice.' : null)]])) return;
    const fields = {first_name: f.first_name.value.trim(), last_name: f.last_name.value.trim(),
      title: f.title.value.trim(), email: f.email.value.trim(), password: f.password.value};
    if (f.country.value) fields.country = f.country.value;
    try {
      const created = await signUp(fields);
      show(el('section', {class: 'card narrow', id: 'signup-done'},
        el('h1', {}, 'Check your email'),
        el('p', {}, 'We sent a link to ', el('strong', {}, created.email || fields.email),
          '. Open it, enter the password you chose when you signed up and press its button to confirm your'
          + ' address, then sign in: an account can be used once its'
          + ' address is confirmed. (If the address has an account already, its owner gets a note instead.)'),
        el('p', {}, 'No email? ', el('a', {href: '#/resend-confirmation', id: 'to-resend'}, 'Resend the confirmation email')),
        el('p', {}, el('a', {href: '#/signin', id: 'to-signin'}, 'Sign in'))));
    } catch (err) {
      refusal(form, status, err);
    }
  });
  show(form);
}
