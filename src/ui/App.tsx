import { useEffect, useState } from 'react'
import { parseScenario, type RunResult, runScenario } from '../engine/index'

type State = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ran'; run: RunResult }

/** The first page: the seed's PPC case run by the engine, shown as the real tools print it. */
export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' })
  useEffect(() => {
    fetch('/scenarios/seed-ppc.json')
      .then((r) => r.text())
      .then((text) => {
        const parsed = parseScenario(text)
        setState(
          parsed.ok ? { kind: 'ran', run: runScenario(parsed.scenario) } : { kind: 'error', message: parsed.error },
        )
      })
      .catch((e: unknown) => setState({ kind: 'error', message: String(e) }))
  }, [])

  return (
    <main>
      <header>
        <h1>LVS Persistence Lab</h1>
        <p>A Linux 6.1 IPVS director with ipvsadm 1.31, simulated faithfully in your browser.</p>
      </header>
      {state.kind === 'loading' && <p role="status">Running the scenario…</p>}
      {state.kind === 'error' && <p role="alert">{state.message}</p>}
      {state.kind === 'ran' && <RunView run={state.run} />}
    </main>
  )
}

function RunView({ run }: { run: RunResult }) {
  return (
    <>
      <section aria-labelledby="scenario-heading">
        <h2 id="scenario-heading">{run.name}</h2>
        <p>{run.description}</p>
        <pre className="console" data-testid="commands">
          {run.commands.map((c) => `# ${c.cmd}\n${c.stdout}${c.stderr}`).join('')}
        </pre>
      </section>
      <section aria-labelledby="conns-heading">
        <h2 id="conns-heading">Connections</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">t (s)</th>
              <th scope="col">client</th>
              <th scope="col">virtual service</th>
              <th scope="col">real server</th>
            </tr>
          </thead>
          <tbody>
            {run.connections.map((c) => (
              <tr key={c.index}>
                <td>{c.at}</td>
                <td>
                  {c.client}:{c.clientPort}
                </td>
                <td>
                  {c.proto.toUpperCase()} {c.vip}:{c.vport}
                </td>
                <td>{c.rs ?? c.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="final-heading">
        <h2 id="final-heading">At t = {run.final.at} s</h2>
        {run.final.outputs.map((o) => (
          <figure key={o.cmd}>
            <figcaption>
              <code># {o.cmd}</code>
            </figcaption>
            <pre className="console" data-testid={`output-${o.cmd}`}>
              {o.stdout}
              {o.stderr}
            </pre>
          </figure>
        ))}
      </section>
    </>
  )
}
