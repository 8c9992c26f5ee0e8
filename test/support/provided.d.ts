declare module 'vitest' {
  export interface ProvidedContext {
    emulatorEndpoint: string;
  }
}
export {};
