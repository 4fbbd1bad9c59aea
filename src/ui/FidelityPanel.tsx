import { GOLDEN_NAMES } from 'virtual:golden'
import { useState } from 'react'
import { actions } from '../store/index'
import type { FidelityResult } from '../worker/protocol'
import { useT } from './useT'

// The real-kernel recordings the engine can replay, copied into the build from test/golden by
// scripts/golden-assets.ts (their one source): listed by GOLDEN_NAMES, fetched on demand.

async function fetchJson(kind: 'scenarios' | 'recordings', name: string): Promise<unknown> {
  const r = await fetch(`${import.meta.env.BASE_URL}golden/${kind}/${name}.json`)
  if (!r.ok) throw new Error(`${name}: not shipped`)
  return r.json()
}

/** Fidelity, shown: replay a recording made on a real Linux 6.1 kernel and compare, field by field. */
export function FidelityPanel() {
  const t = useT()
  const [name, setName] = useState(GOLDEN_NAMES.includes('seed-fwmark') ? 'seed-fwmark' : GOLDEN_NAMES[0])
  const [result, setResult] = useState<FidelityResult | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async () => {
    setBusy(true)
    setResult(null)
    try {
      const [scenario, recording] = await Promise.all([fetchJson('scenarios', name), fetchJson('recordings', name)])
      setResult(await actions.fidelity(scenario, recording))
    } catch (e) {
      setResult({ ok: false, error: String(e) })
    }
    setBusy(false)
  }
  const fields = result?.ok ? result.fields : []
  const same = fields.filter((f) => f.ok).length

  return (
    <section className="panel fidelity" aria-labelledby="fid-h">
      <header>
        <h2 id="fid-h">{t('fidelity.title')}</h2>
        <p className="what">{t('fidelity.what')}</p>
      </header>
      <div className="prompt">
        <label className="inline">
          {t('fidelity.recording')}
          <select value={name} onChange={(e) => setName(e.target.value)} data-testid="fidelity-name">
            {GOLDEN_NAMES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn primary"
          onClick={() => void run()}
          disabled={busy}
          data-testid="fidelity-run"
        >
          {t('fidelity.run')}
        </button>
      </div>
      {result && !result.ok && <p className="error-text">{result.error}</p>}
      {result?.ok && (
        <>
          <p className="lesson-text" data-testid="fidelity-summary">
            {t('fidelity.summary', { same, total: fields.length, kernel: result.kernel })}
          </p>
          <ol className="fidelity-fields">
            {fields.map((f) => (
              <li key={f.path} className={f.ok ? 'ok' : 'bad'}>
                <details>
                  <summary>
                    <span aria-hidden="true">{f.ok ? '✓' : '✗'}</span> <code>{f.path}</code>{' '}
                    {f.cmd && <code># {f.cmd}</code>}
                    <span className="visually-hidden">{f.ok ? t('fidelity.same') : t('fidelity.differs')}</span>
                    {f.detail && <span className="what"> — {f.detail}</span>}
                  </summary>
                  <div className="side-by-side">
                    <figure>
                      <figcaption>{t('fidelity.kernel')}</figcaption>
                      <pre className="term">{f.expected}</pre>
                    </figure>
                    <figure>
                      <figcaption>{t('fidelity.lab')}</figcaption>
                      <pre className="term">{f.actual}</pre>
                    </figure>
                  </div>
                </details>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  )
}
