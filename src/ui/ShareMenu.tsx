import { useRef, useState } from 'react'
import { tMsg } from '../i18n/index'
import { actions, type MessageKey, useLab } from '../store/index'
import { ImportDialog } from './ImportDialog'
import { download, encodeShare, MAX_FILE_BYTES, SHARE_PARAM, shellScript } from './share'
import { useT } from './useT'

/** Share link, scenario files in and out, and the configuration as a script for a real director. */
export function ShareMenu() {
  const t = useT()
  const locale = useLab((s) => s.locale)
  const name = useLab((s) => s.scenarioName)
  // a key, translated when drawn: the status follows a language switch
  const [status, setStatus] = useState<MessageKey | null>(null)
  const [link, setLink] = useState<string | null>(null)
  const fileRef = useRef<HTMLInputElement>(null)
  const [importing, setImporting] = useState(false)

  const copyLink = async () => {
    const { scenario, atMs } = await actions.exportScenario()
    if (scenario === null) return
    const payload = await encodeShare({ v: 1, scenario: JSON.parse(scenario), t: atMs, lang: locale })
    const url = `${window.location.origin}${window.location.pathname}#${SHARE_PARAM}=${payload}`
    setLink(url)
    try {
      await navigator.clipboard.writeText(url)
      setStatus('share.copied')
    } catch {
      setStatus('share.copyByHand')
    }
  }
  const saveScenario = async () => {
    const { scenario } = await actions.exportScenario()
    if (scenario === null) return
    download(
      `${(name || 'scenario').replace(/[^\w.-]+/g, '-')}.json`,
      `${JSON.stringify(JSON.parse(scenario), null, 1)}\n`,
      'application/json',
    )
    setStatus('share.saved')
  }
  const saveScript = async () => {
    const script = await actions.currentScript()
    download('lvs-lab-director.sh', shellScript(script.text, name, script.realServers), 'text/x-shellscript')
    setStatus('share.saved')
  }
  const saveKeepalived = async () => {
    download('keepalived.conf', await actions.keepalivedConf(), 'text/plain')
    setStatus('share.saved')
  }
  const openFile = async (file: File) => {
    if (file.size > MAX_FILE_BYTES) {
      setStatus('share.tooBig')
      return
    }
    // the text goes to the worker as it is: parsing megabytes there keeps the page responsive
    actions.load(await file.text(), '', file.name)
    setStatus(null)
  }

  return (
    <div className="share" role="group" aria-label={t('share.label')}>
      <button type="button" className="btn" onClick={() => void copyLink()} data-testid="share-link">
        {t('share.link')}
      </button>
      <button type="button" className="btn" onClick={() => void saveScenario()}>
        {t('share.save')}
      </button>
      <button type="button" className="btn" onClick={() => fileRef.current?.click()}>
        {t('share.open')}
      </button>
      <input
        ref={fileRef}
        type="file"
        accept="application/json,.json"
        hidden
        data-testid="open-file"
        onChange={(e) => {
          const f = e.target.files?.[0]
          if (f) void openFile(f)
          e.target.value = ''
        }}
      />
      <button type="button" className="btn" onClick={() => void saveScript()}>
        {t('share.script')}
      </button>
      <button type="button" className="btn" onClick={() => void saveKeepalived()} data-testid="export-keepalived">
        {t('share.keepalived')}
      </button>
      <button type="button" className="btn" onClick={() => setImporting(true)} data-testid="import-open">
        {t('share.import')}
      </button>
      <ImportDialog open={importing} onClose={() => setImporting(false)} />
      <span role="status" className="what">
        {status && tMsg(t, { key: status })}
      </span>
      {link && (
        <input
          type="text"
          readOnly
          value={link}
          aria-label={t('share.linkField')}
          onFocus={(e) => e.target.select()}
          data-testid="share-url"
          style={{ flex: '1 1 240px', fontFamily: 'var(--mono)', fontSize: '0.8rem' }}
        />
      )}
    </div>
  )
}
