// Showing an opened report. Every value from the report goes in as text; media are shown from
// blob: URLs of the decrypted bytes, which are released when the report is closed.
import {el, facts, formatBytes} from './dom.js';

const TYPES = {jpg: 'image/jpeg', m4v: 'video/mp4', m4a: 'audio/mp4', pdf: 'application/pdf', json: 'application/json'};

function typeOf(name) {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  // Anything unexpected is an opaque download, never a document the browser would render.
  return TYPES[ext] || 'application/octet-stream';
}

/**
 * The view of a report {reportId, keyserverUrl, metadata, files, encrypted}. sourceBytes/sourceName:
 * the encrypted file, offered for saving. onAccessLog(): loads the access log into a given element.
 * Returns {node, dispose}.
 */
export function reportView(report, {sourceBytes, sourceName, onAccessLog}) {
  const urls = [];
  const url = (bytes, type) => {
    const u = URL.createObjectURL(new Blob([bytes], {type}));
    urls.push(u);
    return u;
  };
  const fileUrl = name => url(report.files.get(name), typeOf(name));
  const m = report.metadata;
  const p = m.patient;
  const name = [p.firstname, p.lastname].filter(Boolean).join(' ');
  const dob = [p.day, p.month, p.year].every(Boolean) ? `${p.day}/${p.month}/${p.year}` : '';
  const clinician = [m.user.title, m.user.firstname, m.user.lastname].filter(Boolean).join(' ');
  const reportId = report.reportId || m.details.reportid;

  const sections = [];
  sections.push(el('section', {class: 'card', id: 'patient'}, el('h2', {}, 'Patient'),
    facts([['Name', name, 'patient-name'], ['Date of birth', dob, 'patient-dob'], ['Patient ID', p.patientid, 'patient-id'],
      ['Translator', p.translator, 'patient-translator'], ['Guardian', p.guardian, 'patient-guardian']])));

  const consentType = m.consent.type || 'none';
  const consent = el('section', {class: 'card', id: 'consent'}, el('h2', {}, 'Consent'),
    facts([['Consent', consentType, 'consent-type'], ['Given for', m.consent.consentlevels.split(',').join(', '), 'consent-levels']]));
  if (report.files.has('consent.jpg')) {
    consent.append(el('img', {id: 'consent-image', class: 'consent', alt: 'Signed consent', src: fileUrl('consent.jpg')}));
  }
  if (report.files.has('consent.m4a')) {
    consent.append(el('audio', {id: 'consent-audio', controls: true, src: fileUrl('consent.m4a')}));
  }
  sections.push(consent);

  const d = m.details;
  sections.push(el('section', {class: 'card', id: 'details'}, el('h2', {}, 'Details'),
    facts([['Report', reportId, 'report-id'], ['Date', d.datetime, 'report-date'], ['Clinician', clinician, 'clinician'],
      ['Clinician email', m.user.email, 'clinician-email'], ['Place', d.location.address, 'report-place'],
      ['Sent by', d.sendtype, 'send-type']]),
    d.notes ? el('h3', {}, 'Notes') : null,
    d.notes ? el('p', {class: 'notes', id: 'notes'}, d.notes) : null));

  const photos = m.media.filter(i => i.type === 'photo');
  let dispose = () => {};
  if (photos.length) {
    const img = el('img', {id: 'photo', alt: ''});
    const position = el('p', {id: 'photo-position', class: 'position'});
    const photoUrls = photos.map(i => fileUrl(i.file));
    let current = 0;
    const showPhoto = i => {
      current = (i + photos.length) % photos.length;
      img.src = photoUrls[current];
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
    dispose = () => document.removeEventListener('keydown', onKey);
    showPhoto(0);
    sections.push(el('section', {class: 'card', id: 'photos'}, el('h2', {}, 'Photos'),
      el('div', {class: 'viewer'},
        el('button', {type: 'button', id: 'photo-prev', 'aria-label': 'Previous photo', onclick: () => showPhoto(current - 1)}, '←'),
        img,
        el('button', {type: 'button', id: 'photo-next', 'aria-label': 'Next photo', onclick: () => showPhoto(current + 1)}, '→')),
      position, el('p', {class: 'hint'}, 'The arrow keys move between photos.')));
  }
  const videos = m.media.filter(i => i.type === 'video');
  if (videos.length) {
    sections.push(el('section', {class: 'card', id: 'videos'}, el('h2', {}, 'Video'),
      videos.map(i => el('video', {class: 'report-video', controls: true, preload: 'metadata', 'data-item': i.id,
        src: fileUrl(i.file)}))));
  }
  const audio = m.media.filter(i => i.type === 'audio');
  if (audio.length) {
    sections.push(el('section', {class: 'card', id: 'audio'}, el('h2', {}, 'Audio'),
      audio.map(i => el('audio', {class: 'report-audio', controls: true, 'data-item': i.id, src: fileUrl(i.file)}))));
  }
  if (report.files.has('report.pdf')) {
    const pdf = fileUrl('report.pdf');
    sections.push(el('section', {class: 'card', id: 'pdf'}, el('h2', {}, 'PDF report'),
      el('object', {id: 'pdf-object', type: 'application/pdf', data: pdf},
        el('p', {}, 'This browser does not show PDFs here: ', el('a', {href: pdf, download: 'report.pdf'}, 'save report.pdf')))));
  }

  const saves = el('ul', {class: 'files', id: 'files'});
  if (sourceBytes) {
    saves.append(el('li', {}, el('a', {id: 'save-encrypted', href: url(sourceBytes, 'application/octet-stream'),
      download: sourceName || `${reportId}.picsafe`}, `Save the encrypted report (${formatBytes(sourceBytes.length)})`)));
  }
  for (const [fileName, bytes] of report.files) {
    const base = fileName.split('/').pop();
    saves.append(el('li', {}, el('a', {class: 'save-file', 'data-name': fileName, href: url(bytes, typeOf(fileName)),
      download: base}, `Save ${fileName}`), ` (${formatBytes(bytes.length)}, decrypted)`));
  }
  sections.push(el('section', {class: 'card', id: 'save'}, el('h2', {}, 'Save'),
    el('p', {class: 'hint'}, 'Decrypted files are saved to this computer only; keep them as you would any patient record.'),
    saves));

  if (report.keyserverUrl && onAccessLog) {
    const target = el('div', {id: 'accesses'});
    sections.push(el('section', {class: 'card', id: 'access-log'}, el('h2', {}, 'Who opened it'),
      el('button', {type: 'button', id: 'show-accesses', onclick: () => onAccessLog(target)}, 'Show the access log'), target));
  }

  const node = el('article', {id: 'report', class: 'report'},
    el('h1', {}, name ? `Report for ${name}` : 'Report'),
    el('p', {class: 'hint', id: 'decrypted-note'}, report.encrypted
      ? 'Decrypted in this browser. Nothing unencrypted was sent over the network.'
      : 'This report was not encrypted.'),
    sections);
  return {
    node,
    dispose() {
      dispose();
      for (const u of urls) URL.revokeObjectURL(u);
    },
  };
}
