import { registerBackend, setBackendSync } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';

/** Test helper (not part of the package): registers and selects the CPU backend for a test file. */
export function useCpu(): void {
  registerBackend(cpu());
  setBackendSync('cpu');
}
