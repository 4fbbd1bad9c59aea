import { head } from './head'
import { replayRecorded } from './textutils.recorded'

replayRecorded(
  'head',
  head(() => null),
)
