// The one way a page loads a vendored library (static/vendor/, listed in VENDORED.txt): from this
// origin, only when first needed, and with its Subresource Integrity hash, so a file changed on the
// server or on the way is refused by the browser instead of run. VendoredLibrariesTest checks that
// every hash below is the file's. A module's own imports are fetched first, each with its hash, so
// no part of a library arrives unchecked.

const BASE = '/app/static/vendor/';

const INTEGRITY = Object.freeze({
  'pdf-lib.esm.min.js': 'sha384-CX+yKdE3UJwNFr1M12ziMpV0/PPB/cGugVgPjt+z7HF/dbs1Qr/KMB1PjJLEFypw',
  'fontkit.umd.min.js': 'sha384-5amnpiVitOi3dI0QSR7Gg6X10VnzSww9bE/+GZ0ngGWcglIrBP0CzTlvOMbR97Gc',
  'signature_pad.js': 'sha384-A9qPut6w9NwWvWsoNKWsnQe0+idGlBr2xI5GebZabl1MYwjk8DSEt5JWTpU8Nv8w',
  'utils.js': 'sha384-YFMR8BWPimRHARZs0bAtgjKOWPQL0ND/lZk6QwHVzhzx71FWSqzQb1ToPgVtqapB',
  '_u64.js': 'sha384-SPLtaj6mblQ3NtLCy4eidRByUQWvhD8+J1MpyW8ejRRfwyGrzdElsKxcrcBmGjZY',
  '_md.js': 'sha384-+inj+kU2SrziXaCzySRcSf7kOiLEfScN7pI3vq97++FGKDRSw3MJ0t0l37dQWmKc',
  'sha2.js': 'sha384-YXgpTrphhgj/WMtfF9PcPZQOE57vqATkv4wTjdFflOBTMR5ro2T6S/MkCc9vVH5q',
  'hmac.js': 'sha384-T+vGWnGryWubEFH8lQdk8LN00eOX+mpsmHwdXuC6L6KIIn46POY/2hauzVrdjZNH',
});

/**
 * What each name loads. module: an ES module whose namespace is answered; after: the modules it
 * imports, in an order where each one's own imports come before it. script: a classic script that
 * defines the global named by global.
 */
const LIBRARIES = Object.freeze({
  'pdf-lib': {module: 'pdf-lib.esm.min.js'},
  'fontkit': {script: 'fontkit.umd.min.js', global: 'fontkit'},
  'signature_pad': {module: 'signature_pad.js'},
  'noble-sha2': {module: 'sha2.js', after: ['utils.js', '_u64.js', '_md.js']},
  'noble-hmac': {module: 'hmac.js', after: ['utils.js']},
});

const loading = new Map();

/**
 * The library's module namespace (or, for a classic script, its global). Rejects with an Error
 * that names the library when the file cannot be fetched or does not match its hash.
 */
export function vendored(name) {
  const library = LIBRARIES[name];
  if (!library) return Promise.reject(new Error(`no vendored library is called ${name}`));
  if (!loading.has(name)) {
    const promise = load(library).catch((e) => {
      loading.delete(name); // a failed fetch may be tried again; a wrong hash fails again anyway
      throw new Error(`The ${name} library could not be loaded (${e.message}); reload the page and try again.`);
    });
    loading.set(name, promise);
  }
  return loading.get(name);
}

async function load(library) {
  if (library.script) {
    if (!window[library.global]) await element('script', library.script);
    return window[library.global];
  }
  for (const file of library.after ?? []) await element('link', file);
  await element('link', library.module);
  return import(BASE + library.module);
}

const fetched = new Map();

/** A <script> or <link rel=modulepreload> with the file's hash, resolved once it has loaded. */
function element(kind, file) {
  if (fetched.has(file)) return fetched.get(file);
  const promise = new Promise((resolve, reject) => {
    const integrity = INTEGRITY[file];
    if (!integrity) {
      reject(new Error(`${file} has no recorded hash`));
      return;
    }
    const node = document.createElement(kind);
    if (kind === 'link') {
      node.rel = 'modulepreload';
      node.href = BASE + file;
    } else {
      node.src = BASE + file;
    }
    node.integrity = integrity;
    node.addEventListener('load', () => resolve(), {once: true});
    node.addEventListener('error', () => reject(new Error(`${file} failed its integrity check or could not be fetched`)),
      {once: true});
    document.head.append(node);
  });
  promise.catch(() => fetched.delete(file));
  fetched.set(file, promise);
  return promise;
}
