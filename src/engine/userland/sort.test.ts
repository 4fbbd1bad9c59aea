import { sort } from './sort'
import { replayRecorded } from './textutils.recorded'

replayRecorded(
  'sort',
  sort(() => null),
)
