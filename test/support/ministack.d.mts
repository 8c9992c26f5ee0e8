// Types for the parts of ministack.mjs (plain JS with JSDoc) that TypeScript tests import.
export declare const VENV_PACKAGES: Record<string, string>;
export declare const VENV_PYTHON: string;
export declare function ensureMinistack(): Promise<{ python: string; version: string }>;
