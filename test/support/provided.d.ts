declare module 'vitest' {
  export interface ProvidedContext {
    emulatorEndpoint: string;
    /** The emulator itself, behind the strict-AWS layer (for tests that must bypass the layer). */
    ministackEndpoint: string;
  }
}
export {};
