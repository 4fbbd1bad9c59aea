/**
 * A deep copy of an object graph that keeps what a structured clone loses: prototypes (class
 * instances stay instances), shared references and cycles (one copy per original), Maps, Sets,
 * arrays (holes stay holes) and typed arrays. What it cannot copy is shared, not copied:
 * functions (a closure's captured state is invisible — the owners of closures re-make them after a
 * copy: `relink()` in the engine's player, simulator and traffic generator) and frozen objects
 * (immutable, e.g. a parsed scenario). `functionSlots()` lists where functions sit in a graph, so
 * a test can pin the audited set.
 */

type Memo = Map<object, unknown>

/** The constructor every typed array (Float64Array, Int32Array, …) inherits from. */
const TYPED_ARRAY = Object.getPrototypeOf(Int8Array) as abstract new () => ArrayBufferView

/** What a copy cost: its estimated size in bytes (V8's object layout, roughly). */
export interface CloneStats {
  bytes: number
}

/**
 * The heap a primitive field costs beyond its slot: a number that is not a small integer is a
 * boxed HeapNumber (16 bytes); a string its characters (shared when interned, so a guess).
 */
function primitiveBytes(x: unknown): number {
  if (typeof x === 'number') return (x | 0) === x ? 0 : 16
  if (typeof x === 'string') return 16 + x.length
  return 0
}

/** A copy of `root`; objects in `shared` (and frozen ones) are kept as they are. */
export function cloneGraph<T>(root: T, shared: Iterable<object> = [], stats?: CloneStats): T {
  let bytes = 0
  const memo: Memo = new Map()
  for (const o of shared) memo.set(o, o)
  // iterative: the engine's lists can be longer than the call stack is deep
  const work: [from: object, to: object][] = []
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v
    const seen = memo.get(v)
    if (seen !== undefined) return seen
    if (Object.isFrozen(v)) return v
    let out: object
    if (Array.isArray(v)) out = new Array(v.length)
    else if (v instanceof TYPED_ARRAY) {
      const ta = (v as unknown as Float64Array).slice()
      bytes += 64 + ta.byteLength
      memo.set(v, ta)
      return ta
    } else if (v instanceof Map) out = new Map()
    else if (v instanceof Set) out = new Set()
    else if (v instanceof ArrayBuffer || v instanceof DataView || v instanceof WeakMap || v instanceof WeakSet)
      throw new TypeError(`cloneGraph: cannot copy a ${v.constructor.name}`)
    else {
      // a spread then the prototype: the copy keeps V8's fast properties (an Object.create()d
      // object given its 34 fields one by one falls back to a dictionary — a Connection among
      // them — and every engine step on the copy is then slower). Fields are fixed below.
      const proto = Object.getPrototypeOf(v) as object | null
      out = { ...v }
      if (proto !== Object.prototype) Object.setPrototypeOf(out, proto)
    }
    memo.set(v, out)
    work.push([v, out])
    return out
  }
  const top = copy(root)
  while (work.length > 0) {
    const [v, out] = work.pop() as [object, object]
    if (Array.isArray(v)) {
      const o = out as unknown[]
      bytes += 16 + 8 * v.length
      for (let i = 0; i < v.length; i++)
        if (i in v) {
          const x: unknown = v[i]
          o[i] = copy(x)
          bytes += primitiveBytes(x)
        }
    } else if (v instanceof Map) {
      const o = out as Map<unknown, unknown>
      bytes += 32 + 24 * v.size
      for (const [k, x] of v) o.set(copy(k), copy(x))
    } else if (v instanceof Set) {
      const o = out as Set<unknown>
      bytes += 32 + 16 * v.size
      for (const x of v) o.add(copy(x))
    } else {
      const o = out as Record<string, unknown>
      const keys = Object.keys(o)
      bytes += 24 + 8 * keys.length
      for (const k of keys) {
        const x = o[k]
        if (typeof x === 'object' && x !== null) o[k] = copy(x)
        else bytes += primitiveBytes(x)
      }
    }
  }
  if (stats) stats.bytes = bytes
  return top as T
}

/**
 * Where functions sit in `root`'s graph: a path per slot (class names and keys), each object
 * visited once. What a copy shares rather than copies.
 */
export function functionSlots(root: unknown): string[] {
  const found = new Set<string>()
  const seen = new Set<object>()
  const stack: [unknown, string][] = [[root, 'root']]
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string]
    if (typeof v === 'function') {
      found.add(path)
      continue
    }
    if (typeof v !== 'object' || v === null || seen.has(v) || v instanceof TYPED_ARRAY) continue
    seen.add(v)
    const name = v.constructor?.name ?? 'Object'
    if (Array.isArray(v)) for (const x of v) stack.push([x, `${path}[]`])
    else if (v instanceof Map) for (const [k, x] of v) stack.push([k, `${path}.<key>`], [x, `${path}.<value>`])
    else if (v instanceof Set) for (const x of v) stack.push([x, `${path}.<item>`])
    else for (const k of Object.keys(v)) stack.push([(v as Record<string, unknown>)[k], `${name}.${k}`])
  }
  return [...found].sort()
}
