import type { LabTestApi } from '../src/testApi'

declare global {
  interface Window {
    lab?: LabTestApi
  }
}
