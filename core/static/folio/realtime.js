// The admin's real-time client (docs/realtime.md, "The editors' channel"): one WebSocket
// per page to /ws/admin/, at the address on this script's tag (data-url, from
// core.realtime_address). It watches what the page's scripts ask for, pings to stay open,
// reconnects with backoff (watching again), and shows toasts. Pages use FolioRealtime:
//   watch(item, onFrame)  the frames about `item` ("article:42" or "review_queue"):
//                         watching, presence, lock, changed, review_queue, and error
//   onStatus(fn)          fn(false) once the socket is down (and at first), fn(true) once open
//   toast(key, text, action?)  a toast, one per key, with an optional {label, run} button
// Elements with data-folio-live="review_queue" (and an id) are fetched again from the
// page's own address and replaced whenever the review queue changes.
// A plain script (no build step); without data-url (or WebSocket) it only shows toasts.
"use strict"
;(() => {
  if (window.FolioRealtime) return
  const script = document.currentScript
  const url = script?.dataset.url
  const pingMs = (Number(script?.dataset.pingSeconds) || 30) * 1000
  const handlers = new Map() // item -> Set of functions
  const statusListeners = new Set()
  let socket = null
  let open = false
  let failures = 0
  let pinger = null

  const send = (frame) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame))
  }

  const setOpen = (value) => {
    open = value
    statusListeners.forEach((listener) => listener(value))
  }

  function connect() {
    try {
      socket = new WebSocket(url)
    } catch {
      return retry()
    }
    socket.addEventListener("open", () => {
      failures = 0
      handlers.forEach((_, item) => send({ action: "watch", item }))
      pinger = window.setInterval(() => send({ action: "ping" }), pingMs)
      setOpen(true)
    })
    socket.addEventListener("message", (message) => {
      let frame
      try {
        frame = JSON.parse(message.data)
      } catch {
        return
      }
      handlers.get(frame.item)?.forEach((handler) => handler(frame))
    })
    socket.addEventListener("close", () => {
      window.clearInterval(pinger)
      socket = null
      if (open) setOpen(false)
      retry()
    })
  }

  function retry() {
    // 1 s, 2 s, 4 s... up to a minute; jittered, so that a restart of the real-time process
    // is not met by every open page at the same instant.
    const delay = Math.min(60_000, 1000 * 2 ** failures) * (0.5 + Math.random() / 2)
    failures += 1
    window.setTimeout(connect, delay)
  }

  function watch(item, handler) {
    if (!handlers.has(item)) {
      handlers.set(item, new Set())
      send({ action: "watch", item })
    }
    handlers.get(item).add(handler)
  }

  function onStatus(listener) {
    statusListeners.add(listener)
    listener(open)
  }

  // --- Toasts: bottom right on a wide screen, across the bottom on a phone ---------------
  function toast(key, text, action) {
    let box = document.querySelector(".folio-toasts")
    if (!box) {
      box = document.createElement("div")
      box.className = "folio-toasts"
      box.setAttribute("aria-live", "polite")
      document.body.append(box)
    }
    let item = Array.from(box.children).find((el) => el.dataset.toast === key)
    if (!item) {
      item = document.createElement("div")
      item.className = "folio-toast"
      item.setAttribute("role", "status")
      item.dataset.toast = key
      box.append(item)
    }
    const message = document.createElement("p")
    message.className = "folio-toast__text"
    message.textContent = text
    const parts = [message]
    if (action) {
      const button = document.createElement("button")
      button.type = "button"
      button.className = "folio-btn folio-btn--primary folio-btn--small"
      button.textContent = action.label
      button.addEventListener("click", action.run)
      parts.push(button)
    }
    const dismiss = document.createElement("button")
    dismiss.type = "button"
    dismiss.className = "folio-toast__close"
    dismiss.setAttribute("aria-label", "Dismiss")
    dismiss.textContent = "×"
    dismiss.addEventListener("click", () => item.remove())
    parts.push(dismiss)
    item.replaceChildren(...parts)
  }

  // --- Live fragments: the review queue and the dashboard's cards -----------------------
  let fetching = false
  let again = false
  async function refresh() {
    if (fetching) {
      again = true // one more once this one lands: a burst of events costs two fetches
      return
    }
    const live = document.querySelectorAll("[data-folio-live][id]")
    if (Array.from(live).some((el) => el.querySelector("input.action-select:checked"))) {
      // Rows are selected for an action: replacing them would drop the selection.
      toast("review_queue", "The review queue changed.", {
        label: "Refresh",
        run: () => window.location.reload(),
      })
      return
    }
    fetching = true
    try {
      const response = await fetch(window.location.href, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      })
      if (!response.ok) return
      const page = new DOMParser().parseFromString(await response.text(), "text/html")
      for (const el of document.querySelectorAll("[data-folio-live][id]")) {
        const fresh = page.getElementById(el.id)
        if (fresh) el.replaceWith(document.importNode(fresh, true))
      }
      // Django's action checkboxes bind to the rows: bind the new ones.
      const rows = document.querySelectorAll("#result_list tr input.action-select")
      if (rows.length && window.Actions) window.Actions(rows)
    } catch {
      // The next change tries again; the page still shows what it had.
    } finally {
      fetching = false
      if (again) {
        again = false
        refresh()
      }
    }
  }

  window.FolioRealtime = { watch, onStatus, toast }
  document.addEventListener("DOMContentLoaded", () => {
    const kinds = new Set(
      Array.from(document.querySelectorAll("[data-folio-live]"), (el) => el.dataset.folioLive),
    )
    kinds.forEach((kind) => watch(kind, (frame) => frame.event === kind && refresh()))
  })
  if (url && "WebSocket" in window) connect()
})()
