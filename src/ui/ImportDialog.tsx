import { useEffect, useId, useRef, useState } from 'react'
import { type ImportKind, recogniseImport } from '../engine/scenario/importKind'
import { actions } from '../store/index'
import { MAX_FILE_BYTES } from './share'
import { useT } from './useT'

/**
 * The lab's one import (issue 16): a keepalived.conf, a Kubernetes manifest (Service +
 * EndpointSlice) or a lab scenario, pasted or opened from a file, becomes a fresh lab. What the
 * text is read as is said above the button (recognised, or chosen); the worker checks it first,
 * so a text with errors loads nothing — the lab stays as it was — and the programs' own messages
 * (keepalived's with their lines, kubectl's and the API server's) are listed under the text.
 */
export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT()
  const ref = useRef<HTMLDialogElement>(null)
  const fileRef = useRef<HTMLInputElement>(null)
  const errorsRef = useRef<HTMLDivElement>(null)
  const [text, setText] = useState('')
  const [fileName, setFileName] = useState('')
  const [chosen, setChosen] = useState<ImportKind | 'auto'>('auto')
  const [errors, setErrors] = useState<{ kind: ImportKind; lines: string[] } | null>(null)
  const [note, setNote] = useState<'empty' | 'tooBig' | null>(null)
  const [busy, setBusy] = useState(false)
  const ids = useId()

  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) d.showModal()
    if (!open && d.open) d.close()
  }, [open])

  // the errors come into view where the text was pasted (a short window scrolls the dialog)
  useEffect(() => {
    if (errors) errorsRef.current?.scrollIntoView({ block: 'nearest' })
  }, [errors])

  const recognised = recogniseImport(text)
  const kind = chosen === 'auto' ? recognised : chosen
  const kindName = (k: ImportKind) => t(`import.kind.${k}`)

  const submit = async () => {
    if (!text.trim()) {
      setNote('empty')
      return
    }
    setBusy(true)
    const answer = await actions.importText(text, fileName, kind)
    setBusy(false)
    if (answer.ok) {
      setErrors(null)
      setText('')
      setFileName('')
      onClose()
    } else setErrors({ kind: answer.kind, lines: answer.errors })
  }
  const openFile = async (f: File) => {
    if (f.size > MAX_FILE_BYTES) {
      setNote('tooBig')
      return
    }
    setText(await f.text())
    setFileName(f.name)
    setErrors(null)
    setNote(null)
  }

  return (
    <dialog
      ref={ref}
      className="import-dialog"
      aria-labelledby={`${ids}-title`}
      onClose={onClose}
      data-testid="import-dialog"
    >
      <h2 id={`${ids}-title`}>{t('import.title')}</h2>
      <p className="what">{t('import.intro')}</p>
      <label htmlFor={`${ids}-text`}>{t('import.paste')}</label>
      <textarea
        id={`${ids}-text`}
        value={text}
        spellCheck={false}
        aria-invalid={errors !== null}
        aria-describedby={errors ? `${ids}-errors` : undefined}
        data-testid="import-text"
        onChange={(e) => {
          setText(e.target.value)
          setErrors(null)
          setNote(null)
          if (!e.target.value) setFileName('')
        }}
      />
      <div className="import-row">
        <button type="button" className="btn" onClick={() => fileRef.current?.click()}>
          {t('import.openFile')}
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".conf,.yaml,.yml,.json,text/plain,application/json,application/yaml"
          hidden
          data-testid="import-file"
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) void openFile(f)
            e.target.value = ''
          }}
        />
        {fileName && <span className="what">{fileName}</span>}
        <label htmlFor={`${ids}-kind`}>{t('import.readAs')}</label>
        <select
          id={`${ids}-kind`}
          value={chosen}
          data-testid="import-kind"
          onChange={(e) => {
            setChosen(e.target.value as ImportKind | 'auto')
            setErrors(null)
          }}
        >
          <option value="auto">{t('import.auto', { kind: kindName(recognised) })}</option>
          <option value="keepalived">{kindName('keepalived')}</option>
          <option value="kubernetes">{kindName('kubernetes')}</option>
          <option value="scenario">{kindName('scenario')}</option>
        </select>
      </div>
      <p className="import-will" data-testid="import-will">
        {t(`import.will.${kind}`)}
      </p>
      {errors && (
        <div ref={errorsRef} id={`${ids}-errors`} role="alert" className="import-errors" data-testid="import-errors">
          <p>{t('import.refused', { kind: kindName(errors.kind) })}</p>
          <pre>{errors.lines.join('\n')}</pre>
        </div>
      )}
      {note && (
        <p role="status" className="what">
          {t(note === 'empty' ? 'import.empty' : 'share.tooBig')}
        </p>
      )}
      <div className="import-row import-actions">
        <button
          type="button"
          className="btn primary"
          disabled={busy}
          onClick={() => void submit()}
          data-testid="import-submit"
        >
          {t('import.submit')}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          {t('import.cancel')}
        </button>
      </div>
    </dialog>
  )
}
