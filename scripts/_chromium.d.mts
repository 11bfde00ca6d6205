// Types of _chromium.mjs, for the TypeScript tests that import it.

/** The one line a person reads when the browser is missing and cannot be installed here. */
export declare const CHROMIUM_HOW_TO: string;

/** The flags every test launches Chromium with: headless, and no background connections (closed network). */
export declare const CHROMIUM_ARGS: readonly string[];

/** The first executable Chromium found (`CC_CHROMIUM_PATH` alone when set, else Debian's paths), or null. */
export declare function findChromium(env?: NodeJS.ProcessEnv): string | null;

/** What {@linkcode ensureChromium} found: the browser's path, or null with a one-line how-to. */
export type ChromiumFound =
  | { readonly path: string; readonly howTo: null; readonly installed: boolean }
  | { readonly path: null; readonly howTo: string; readonly installed: false };

/** Finds Debian's Chromium or, as root where apt-get exists, installs it the first time (never with `CC_CHROMIUM_PATH` set). Never throws. */
export declare function ensureChromium(options?: {
  install?: boolean;
  timeoutMs?: number;
  log?: (line: string) => void;
}): Promise<ChromiumFound>;
