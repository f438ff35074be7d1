/**
 * Fonts for generated documents and seals: the system's TrueType fonts, parsed once, and subsets of just the
 * characters a PDF shows, made by our own subsetter (fontkit's corrupts Droid Sans Fallback).
 */
export {
  DEFAULT_CJK_FONT_PATH,
  LATIN_FONT_PATH,
  cjkSubsetFont,
  loadFont,
  subsetFont,
  subsetFontName,
  type LoadedFont,
} from './font-files';
