/**
 * The banners under the toolbar: the store's notice (a restored session, a restarted worker) and
 * its error. Both are kept as a key and values and translated here, when drawn — so they follow
 * a language switch; a text kept as it is (a program's words) is shown as it is.
 */
import { tMsg } from '../i18n/index'
import { actions, useLab } from '../store/index'
import { download } from './share'
import { useT } from './useT'

export function Notices({ onStartFresh }: { onStartFresh: () => void }) {
  const t = useT()
  const notice = useLab((s) => s.notice)
  const restored = useLab((s) => s.restoredSession)
  const unrestored = useLab((s) => s.unrestoredSession)
  const error = useLab((s) => s.error)
  return (
    <>
      {notice && (
        <div className="banner notice" role="status" data-testid="notice">
          <span>{tMsg(t, notice)}</span>
          {restored && (
            <button
              type="button"
              className="btn"
              onClick={() => {
                actions.startFresh()
                onStartFresh()
              }}
              data-testid="start-fresh"
            >
              {t('session.fresh')}
            </button>
          )}
          {unrestored && (
            <button
              type="button"
              className="btn"
              onClick={() =>
                download(
                  'lvs-lab-session.json',
                  typeof unrestored.scenario === 'string'
                    ? unrestored.scenario
                    : `${JSON.stringify(unrestored.scenario, null, 1)}\n`,
                  'application/json',
                )
              }
              data-testid="save-unrestored"
            >
              {t('session.saveUnrestored')}
            </button>
          )}
          <button type="button" className="btn" onClick={() => actions.dismissNotice()}>
            {t('app.dismiss')}
          </button>
        </div>
      )}
      {error && (
        <div className="banner" role="alert">
          <span>{tMsg(t, error)}</span>
          <button type="button" className="btn" onClick={() => actions.dismissError()}>
            {t('app.dismiss')}
          </button>
        </div>
      )}
    </>
  )
}
