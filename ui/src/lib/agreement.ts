// The agreement's text in the reader's language, else its main text: the same choice the core
// makes for the signed copy (`Agreement::text_for` in crates/kiosk/src/domain/agreements.rs),
// so the copy holds what the visitor read.
import type { Agreement } from './types';

export function agreementText(agreement: Agreement, locale: string): string {
  const language = locale.split('-')[0] ?? locale;
  const own = agreement.translations[language];
  return own && own.trim() ? own : agreement.text;
}
