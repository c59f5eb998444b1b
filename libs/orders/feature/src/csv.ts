/** RFC 4180 CSV: fields with commas, quotes or line breaks are quoted; lines end with CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const field = (value: string | number | null | undefined): string => {
    const text = value === null || value === undefined ? '' : String(value);
    // A leading =, +, - or @ would be read as a formula by spreadsheets: prefix it.
    const safe = /^[=+\-@]/.test(text) && typeof value !== 'number' ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
