// Spreadsheet formula injection: a cell that starts with = + - @ (or tab/CR) is run as a
// formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)` phoning home, DDE).
// Every exported cell that starts with one of them — or with the quote itself, so the
// mapping can be undone — gets a leading apostrophe, which spreadsheets show as text;
// import takes exactly that apostrophe away again, so an exported file round-trips.
const ACTIVE = /^[=+\-@\t\r']/;

export function neutraliseCell(value: string): string {
  return ACTIVE.test(value) ? `'${value}` : value;
}

export function restoreCell(value: string): string {
  return value.startsWith("'") && ACTIVE.test(value.slice(1)) ? value.slice(1) : value;
}
