// report.pdf in the browser, with the same sections as the CLI's (format/pdf/ReportSections.java).
// Placeholder of the issue-12 base branch: the PDF helper replaces this file.

/**
 * @param metadata   the metadata.json object exactly as sealed (every value a string)
 * @param media      [{itemId, type: 'photo'|'video'|'audio', thumbnail: Uint8Array (JPEG)}] in report order
 * @param consent    {type, image: Uint8Array (JPEG, signed consent) | null}
 * @returns Promise<Uint8Array> the PDF's bytes
 */
export async function renderReportPdf(metadata, media, consent) {
  throw new Error('report.pdf is not built yet');
}
