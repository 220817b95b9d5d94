// The fire roll-call as a file: CSV (RFC 4180: every field quoted, quotes doubled, CRLF), with
// a first line saying where, when, and how fresh the data is, so a printed or e-mailed copy
// carries its own caveat.
import type { Presence, RollCall } from './types';

const field = (v: string) => `"${v.replaceAll('"', '""')}"`;

/** The CSV text of a roll-call in staff's words: `headings` the columns, `kind` whether each
 * person is a member or a visitor, `how` their way in. */
export function rollCallCsv(
  roll: RollCall,
  words: {
    title: string;
    headings: [string, string, string, string, string];
    kind: (p: Presence) => string;
    how: (p: Presence) => string;
  },
): string {
  const lines = [
    [words.title, roll.location, roll.generated_local, roll.data_as_of ?? ''].map(field).join(','),
    words.headings.map(field).join(','),
    ...roll.people.map((p) =>
      [p.name, words.kind(p), p.detail ?? '', p.since_local, words.how(p)].map(field).join(','),
    ),
  ];
  return lines.join('\r\n') + '\r\n';
}

/** Offers `text` as a file download named `name`. */
export function download(name: string, text: string, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
