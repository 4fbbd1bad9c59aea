/**
 * `npx tsx scripts/layers.ts [root]`: prints the layer figures of src/ as JSON (see
 * scripts/layerCheck.ts) and exits 1 when an import goes against the layers or a runtime import
 * cycle exists anywhere under src/.
 */
import { resolve } from 'node:path'
import { checkLayers } from './layerCheck'

const report = checkLayers(resolve(process.argv[2] ?? '.'))
console.log(JSON.stringify(report, null, 2))
process.exit(report.against.length > 0 || report.cycles.length > 0 ? 1 : 0)
