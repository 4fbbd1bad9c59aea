import type { PairState } from '../engine/index'
import { actions, canDrive, useLab } from '../store/index'
import { clock } from './clockText'
import { useT } from './useT'

type Card = PairState['directors'][number]

/**
 * With a backup director (docs/two-directors.md): the two directors side by side — each one's VRRP
 * state, whether it holds the VIP and gets the clients' packets, its sync daemons and its entries —
 * the failovers so far, and a button that makes the director holding the VIP lose power.
 */
export function PairStrip() {
  const t = useT()
  const pair = useLab((s) => s.pair)
  const drivable = useLab(canDrive)
  if (!pair) return null
  const name = (n: Card['name']) => t(n === 'director' ? 'director.pair.nameDirector' : 'director.pair.nameBackup')
  const front = pair.directors.find((d) => d.front && !d.down)
  const lastMove = pair.moves.at(-1)
  return (
    <div className="pair-strip" role="group" aria-label={t('director.pair.label')} data-testid="pair">
      {pair.directors.map((d) => (
        <div
          key={d.name}
          className={`pair-card${d.front && !d.down ? ' front' : ''}${d.down ? ' down' : ''}`}
          data-testid={`pair-${d.name}`}
        >
          <strong>{name(d.name)}</strong>{' '}
          <span
            className="pair-state"
            data-testid={`pair-${d.name}-state`}
            title={d.vrrp.map((v) => `vrrp_instance ${v.name}: ${v.state}, priority ${v.priority}`).join('\n')}
          >
            {d.down
              ? t('director.pair.down')
              : d.vrrp.length > 0
                ? d.vrrp.map((v) => `${v.state} ${v.priority}`).join(', ')
                : t('director.pair.noVrrp')}
          </span>
          {!d.down && d.holdsVip && <span className="badge">{t('director.pair.holdsVip')}</span>}
          <br />
          {/* a director without power has nothing to show: no daemon runs, no table is there */}
          <span className="pair-detail" hidden={d.down}>
            {d.syncDaemons.length > 0
              ? t('director.pair.sync', { roles: d.syncDaemons.join(' + ') })
              : t('director.pair.noSync')}
            {' · '}
            {t('director.pair.entries', { connections: d.connections, templates: d.templates })}
          </span>
        </div>
      ))}
      <div className="pair-foot">
        <span className="pair-detail" data-testid="pair-last-move">
          {lastMove
            ? t(lastMove.why === 'vrrp' ? 'director.pair.moveVrrp' : 'director.pair.moveCrash', {
                at: clock(lastMove.at),
                name: name(pair.directors[lastMove.to].name),
              })
            : t('director.pair.synced', { messages: pair.syncMessages, records: pair.syncApplied })}
        </span>
        {front && (
          <button
            type="button"
            className="btn"
            disabled={!drivable}
            title={t('director.pair.failHint', { name: front.name })}
            onClick={() => actions.run(`lab-fault ${front.name} crash`, 'button')}
            data-testid="pair-fail"
          >
            {t('director.pair.fail', { name: name(front.name) })}
          </button>
        )}
      </div>
    </div>
  )
}
