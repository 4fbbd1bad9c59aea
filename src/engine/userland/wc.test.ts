import { replayRecorded } from './textutils.recorded'
import { wc } from './wc'

replayRecorded(
  'wc',
  wc(() => null),
)
