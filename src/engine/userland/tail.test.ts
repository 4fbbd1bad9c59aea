import { tail } from './tail'
import { replayRecorded } from './textutils.recorded'

replayRecorded(
  'tail',
  tail(() => null),
)
