/** The string operations behind stripSpaces and lowercase, with their exact character sets. */

/**
 * What `stripSpaces` removes: every Unicode White_Space character (`\p{White_Space}`: tab, LF, VT,
 * FF, CR, space, U+0085 NEL, U+00A0 NBSP, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000) plus four invisible characters that arrive in pasted phone numbers and emails but are not
 * White_Space: U+180E MONGOLIAN VOWEL SEPARATOR (White_Space before Unicode 6.3), U+200B ZERO WIDTH
 * SPACE, U+2060 WORD JOINER and U+FEFF BOM / ZERO WIDTH NO-BREAK SPACE. Zero-width joiners
 * (U+200C, U+200D) are kept: they change how scripts and emoji render.
 */
export const STRIPPED_CHARACTERS = /[\p{White_Space}\u180E\u200B\u2060\uFEFF]/gu;

/** Removes every character in `STRIPPED_CHARACTERS`. */
export function stripSpacesText(text: string): string {
  return text.replace(STRIPPED_CHARACTERS, '');
}

/**
 * Locale-independent Unicode lowercase (`String.prototype.toLowerCase`, the Unicode default case
 * mapping), never `toLocaleLowerCase`: the result must not depend on the machine running it.
 * So "İ" (U+0130) becomes "i̇" (i + U+0307), not Turkish "i"; final sigma is handled ("ΟΔΟΣ" → "οδος").
 * No normalisation (NFC/NFKC) is applied.
 */
export function lowercaseText(text: string): string {
  return text.toLowerCase();
}
