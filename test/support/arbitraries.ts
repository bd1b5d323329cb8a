// fast-check inputs the property tests share.
import fc from 'fast-check';

/** Cases per property. */
export const numRuns = 200;

/** Characters that tend to break out of a path segment, plus lone surrogates and control characters. */
export const awkwardUnit = fc.constantFrom(
  ...'/ ? # % . .. %2e %2F \\ ; & = + $ @ : a Z 0 - _ ~ é 😀 e\u0301'.split(' '),
  ...' \t\n\u0000\uD800\uDBFF\uDC00\uDFFF'.split(''), // one code unit each: lone surrogates stay lone
);
