// Showing an opened report. Every value from the report goes in as text; media are shown from
// blob: URLs of the decrypted bytes, which are released (and the bytes overwritten) when the
// report is closed. Photos come first; the details, consent, PDF and saving follow.
import {el, facts, formatBytes, formatDate, formatTime, onPhone} from './dom.js';
import {zipOfBlobs} from './zip-writer.js';
import {typeOf} from './picsafe.js';

/** A file's size: bytes in memory, or a Blob (the files of a large report). */
const sizeOf = data => (data instanceof Blob ? data.size : data.length);

/** A birth date from the report's day, month and year fields, with the month's name: 7 March 1961. */
export function birthDate(day, month, year) {
  const d = Number(day);
  const m = Number(month);
  if (![d, m, Number(year)].every(Number.isInteger) || m < 1 || m > 12 || d < 1 || d > 31) {
    return [day, month, year].filter(Boolean).join(' ');
  }
  return formatDate(`${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
}

/**
 * The photos one at a time. urlOf(i): the blob: URL of photo i, made when first needed. whenShown():
 * called once the first photo loaded (or failed to), for the work that may wait until then.
 */
function photoViewer(photos, urlOf, listeners, whenShown) {
  const img = el('img', {id: 'photo', alt: ''});
  const position = el('p', {id: 'photo-position', class: 'position', 'aria-live': 'polite'});
  let current = 0;
  const showPhoto = i => {
    current = (i + photos.length) % photos.length;
    img.src = urlOf(current);
    img.alt = `Photo ${current + 1} of ${photos.length}`;
    img.dataset.item = photos[current].id;
    position.textContent = `Photo ${current + 1} of ${photos.length}`;
  };
  const onKey = e => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLMediaElement) return;
    if (e.key === 'ArrowRight') { showPhoto(current + 1); e.preventDefault(); }
    if (e.key === 'ArrowLeft') { showPhoto(current - 1); e.preventDefault(); }
  };
  document.addEventListener('keydown', onKey);
  listeners.push(() => document.removeEventListener('keydown', onKey));
  // A swipe: a mostly sideways touch of 40 px or more moves one photo.
  let start = null;
  const frame = el('div', {class: 'photo-frame', id: 'photo-frame'}, img);
  frame.addEventListener('touchstart', e => {
    start = e.touches.length === 1 ? {x: e.touches[0].clientX, y: e.touches[0].clientY} : null;
  }, {passive: true});
  frame.addEventListener('touchend', e => {
    if (!start || !e.changedTouches.length) return;
    const dx = e.changedTouches[0].clientX - start.x;
    const dy = e.changedTouches[0].clientY - start.y;
    start = null;
    if (Math.abs(dx) >= 40 && Math.abs(dx) > Math.abs(dy)) showPhoto(current + (dx < 0 ? 1 : -1));
  });
  // The print copies of every photo load once the photo on screen has (or on printing): all of a
  // large report's photos loading at once held the first one back several times over.
  const prints = photos.map((p, i) => el('img', {alt: `Photo ${i + 1}`}));
  const loadPrints = () => prints.forEach((p, i) => p.getAttribute('src') || p.setAttribute('src', urlOf(i)));
  const shown = () => {
    loadPrints();
    whenShown();
  };
  img.addEventListener('load', shown, {once: true});
  img.addEventListener('error', shown, {once: true});
  window.addEventListener('beforeprint', loadPrints);
  listeners.push(() => window.removeEventListener('beforeprint', loadPrints));
  showPhoto(0);
  const several = photos.length > 1;
  return el('section', {class: 'card', id: 'photos', 'aria-label': 'Photos'},
    el('div', {class: 'viewer'},
      several ? el('button', {type: 'button', id: 'photo-prev', 'aria-label': 'Previous photo', onclick: () => showPhoto(current - 1)}, '←') : null,
      frame,
      several ? el('button', {type: 'button', id: 'photo-next', 'aria-label': 'Next photo', onclick: () => showPhoto(current + 1)}, '→') : null),
    position,
    several ? el('p', {class: 'hint screen-only'}, onPhone() ? 'Swipe the photo to see the next one.'
      : 'The arrow keys move between photos.') : null,
    // Every photo, for printing (the viewer shows one at a time).
    el('div', {class: 'print-only print-photos'}, prints));
}

function pdfSection(pdf) {
  const links = el('p', {class: 'pdf-links'},
    el('a', {class: 'button', id: 'pdf-open', href: pdf, target: '_blank', rel: 'noopener'}, 'Open the PDF'), ' ',
    el('a', {class: 'button secondary', id: 'pdf-save', href: pdf, download: 'report.pdf'}, 'Save report.pdf'));
  // Phones show no PDF in a page (an <object> stays blank there): a link to open or save it instead.
  const inline = !onPhone() && navigator.pdfViewerEnabled !== false;
  return el('section', {class: 'card screen-only', id: 'pdf', 'data-inline': String(inline)}, el('h2', {}, 'PDF report'),
    inline ? el('object', {id: 'pdf-object', type: 'application/pdf', data: pdf},
      el('p', {}, 'This browser does not show PDFs here.')) : el('p', {class: 'hint'}, 'This browser cannot show the '
      + 'PDF inside the page.'),
    links);
}

/**
 * A recording this browser cannot play (VP9 in MP4 where a browser lacks it, say) says so next to
 * its player, which would otherwise just stay blank; the file can still be saved from the list.
 */
function playable(media) {
  media.addEventListener('error', () => {
    media.after(el('p', {class: 'notice cannot-play'}, 'This browser cannot play this recording. Save it from the '
      + 'files below and play it with another player.'));
  }, {once: true});
  return media;
}

/**
 * The view of a report {reportId, keyserverUrl, metadata, files, encrypted}. sourceBytes/sourceName:
 * the sealed file, offered for saving. onAccessLog(target): loads the access log into an element.
 * onClose(): the user closed the report. Returns {node, focus(), dispose()}.
 */
export function reportView(report, {sourceBytes, sourceName, onAccessLog, onClose}) {
  const urls = [];
  const listeners = [];
  // Closing stops work still under way ("Save all" of a large report takes seconds): nothing it
  // would make may appear, or be downloaded, after the report is gone (or another user signed in).
  let disposed = false;
  const stopping = new AbortController();
  // One Blob per file held as bytes, however many URLs show it (the viewer and the save link): each
  // new Blob copies the bytes to the browser process, 100 MB twice for a 100 MB report.
  const blobs = new Map();
  const url = (bytes, type) => {
    if (disposed) throw new Error('the report is closed');
    if (!(bytes instanceof Blob)) {
      if (!blobs.has(bytes)) blobs.set(bytes, new Blob([bytes], {type}));
      bytes = blobs.get(bytes);
    }
    // a Blob of another type is re-labelled by a slice, which copies nothing
    const u = URL.createObjectURL(bytes.type === type ? bytes : bytes.slice(0, bytes.size, type));
    urls.push(u);
    return u;
  };
  const fileUrl = name => url(report.files.get(name), typeOf(name));
  const m = report.metadata;
  const p = m.patient;
  const name = [p.firstname, p.lastname].filter(Boolean).join(' ');
  const dob = [p.day, p.month, p.year].every(Boolean) ? birthDate(p.day, p.month, p.year) : '';
  const clinician = [m.user.title, m.user.firstname, m.user.lastname].filter(Boolean).join(' ');
  const reportId = report.reportId || m.details.reportid;
  const baseName = (reportId || 'report').replace(/[^A-Za-z0-9_-]/g, '_');

  const sections = [];
  const photos = m.media.filter(i => i.type === 'photo');
  // Until the first photo is on screen only its bytes go to a Blob; the other files' (100 MB for a
  // 100 MB report, copied to the browser process) follow it: see later.
  const later = [];
  const whenShown = () => {
    for (const task of later.splice(0)) if (!disposed) task();
  };
  const photoUrls = [];
  const photoUrl = i => (photoUrls[i] ??= fileUrl(photos[i].file));
  if (photos.length) sections.push(photoViewer(photos, photoUrl, listeners, whenShown));
  const videos = m.media.filter(i => i.type === 'video');
  if (videos.length) {
    sections.push(el('section', {class: 'card screen-only', id: 'videos'}, el('h2', {}, videos.length > 1 ? 'Videos' : 'Video'),
      videos.map(i => playable(el('video', {class: 'report-video', controls: true, preload: 'metadata', playsinline: true,
        'data-item': i.id, src: fileUrl(i.file), poster: report.files.has(i.thumbnail) ? fileUrl(i.thumbnail) : null})))));
  }

  sections.push(el('section', {class: 'card', id: 'patient'}, el('h2', {}, 'Patient'),
    facts([['Name', name, 'patient-name'], ['Date of birth', dob, 'patient-dob'], ['Patient ID', p.patientid, 'patient-id'],
      ['Translator', p.translator, 'patient-translator'], ['Guardian', p.guardian, 'patient-guardian']])));

  const d = m.details;
  sections.push(el('section', {class: 'card', id: 'details'}, el('h2', {}, 'Details'),
    facts([['Report', reportId, 'report-id'], ['Date', formatTime(d.datetime), 'report-date'], ['Clinician', clinician, 'clinician'],
      ['Clinician email', m.user.email, 'clinician-email'], ['Place', d.location.address, 'report-place'],
      ['Sent by', d.sendtype, 'send-type']]),
    d.notes ? el('h3', {}, 'Notes') : null,
    d.notes ? el('p', {class: 'notes', id: 'notes'}, d.notes) : null));

  const consentType = m.consent.type || 'none';
  const consent = el('section', {class: 'card', id: 'consent'}, el('h2', {}, 'Consent'),
    facts([['Consent', consentType, 'consent-type'], ['Given for', m.consent.consentlevels.split(',').join(', '), 'consent-levels']]));
  if (report.files.has('consent.jpg')) {
    consent.append(el('img', {id: 'consent-image', class: 'consent', alt: 'Signed consent', src: fileUrl('consent.jpg')}));
  }
  if (report.files.has('consent.m4a')) {
    consent.append(playable(el('audio', {id: 'consent-audio', class: 'screen-only', controls: true, preload: 'metadata',
      src: fileUrl('consent.m4a')})));
  }
  sections.push(consent);

  const audio = m.media.filter(i => i.type === 'audio');
  if (audio.length) {
    sections.push(el('section', {class: 'card screen-only', id: 'audio'}, el('h2', {}, 'Audio'),
      audio.map(i => playable(el('audio', {class: 'report-audio', controls: true, preload: 'metadata', 'data-item': i.id,
        src: fileUrl(i.file)})))));
  }
  if (report.files.has('report.pdf')) sections.push(pdfSection(fileUrl('report.pdf')));

  const saves = el('ul', {class: 'files', id: 'files'});
  for (const [fileName, bytes] of report.files) {
    const base = fileName.split('/').pop();
    // its URL once the first photo is shown, or when clicked before (the link follows its href as it is then)
    const link = el('a', {class: 'save-file', 'data-name': fileName, href: '#', download: base}, `Save ${fileName}`);
    const ready = () => link.getAttribute('href') === '#' && link.setAttribute('href', url(bytes, typeOf(fileName)));
    link.addEventListener('click', ready);
    later.push(ready);
    saves.append(el('li', {}, link, ` (${formatBytes(sizeOf(bytes))}, decrypted)`));
  }
  sections.push(el('section', {class: 'card screen-only', id: 'save'}, el('h2', {}, 'Save one file'),
    el('p', {class: 'hint'}, 'Decrypted files are saved to this device only; keep them as you would any patient record.'),
    saves));

  if (report.keyserverUrl && onAccessLog) {
    const target = el('div', {id: 'accesses'});
    sections.push(el('section', {class: 'card screen-only', id: 'access-log'}, el('h2', {}, 'Who opened it'),
      el('button', {type: 'button', id: 'show-accesses', onclick: () => onAccessLog(target)}, 'Show the access log'), target));
  }

  const saveAll = el('a', {class: 'button', id: 'save-all', href: '#', download: `${baseName}-decrypted.zip`,
    onclick: e => {
      e.stopPropagation();
      // Built on first use (the CRC of each file read again), then clicked again; the same blob: URL afterwards.
      if (saveAll.getAttribute('href') !== '#') return;
      e.preventDefault();
      if (saveAll.dataset.building) return;
      saveAll.dataset.building = 'true';
      zipOfBlobs([...report.files], {signal: stopping.signal}).then(zip => {
        if (disposed) return;
        saveAll.href = url(zip, 'application/zip');
        delete saveAll.dataset.building;
        saveAll.click();
      }, () => delete saveAll.dataset.building);
    }}, 'Save all (ZIP)');
  const toolbar = el('div', {class: 'report-actions screen-only', id: 'report-actions'},
    saveAll,
    sourceBytes ? el('a', {class: 'button secondary', id: 'save-encrypted', href: url(sourceBytes, 'application/octet-stream'),
      download: sourceName || `${baseName}.picsafe`}, `Save the sealed file (${formatBytes(sizeOf(sourceBytes))})`) : null,
    el('button', {type: 'button', class: 'secondary', id: 'print-report', onclick: () => window.print()}, 'Print'),
    el('button', {type: 'button', class: 'secondary', id: 'close-report', onclick: () => onClose?.()}, 'Close report'));

  const heading = el('h1', {id: 'report-title', tabindex: '-1'}, name ? `Report for ${name}` : 'Report');
  const node = el('article', {id: 'report', class: 'report'},
    heading,
    el('p', {class: 'hint', id: 'decrypted-note'}, report.encrypted
      ? 'Decrypted in this browser. Nothing unencrypted was sent over the network. Close the report when you are done.'
      : 'This report was not encrypted.'),
    toolbar,
    sections);
  if (!photos.length) whenShown();
  return {
    node,
    focus() {
      // The title names the report, not the patient: titles stay in the browser's history.
      document.title = `Report ${reportId || ''} · My Safelight`.replace('  ', ' ');
      heading.focus();
    },
    dispose() {
      disposed = true;
      stopping.abort();
      for (const stop of listeners) stop();
      for (const u of urls) URL.revokeObjectURL(u);
      blobs.clear();
      node.remove();
      // Overwrite the decrypted bytes, so that nothing of the patient lingers in this tab's memory.
      // (Blobs, the files of a large report, cannot be overwritten: they are dropped.)
      for (const bytes of report.files.values()) if (bytes instanceof Uint8Array) bytes.fill(0);
      report.files.clear();
    },
  };
}
