import { replayRecorded } from './textutils.recorded'
import { uniq } from './uniq'

replayRecorded(
  'uniq',
  uniq(() => null),
)
