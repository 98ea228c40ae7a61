// Editing together on the change form (admin/content/editing/bar.html, content.admin.editing):
// - presence: who else has the item open, whether someone locked it, and whether someone
//   saved it since this form was loaded; heard at once over the editors' WebSocket
//   (core/static/folio/realtime.js: a toast says who changed it, and how), else from a
//   heartbeat over HTTP every few seconds, the fallback while the socket is down;
// - autosave: a few seconds after the last keystroke the form goes to the editor's own
//   autosave slot (never a revision); on the next visit a newer slot is offered back.
// A plain script (no build step); it does nothing on pages without #folio-editing.
"use strict"
;(() => {
  // The body's editor (django-prose-editor) announces itself once it is built; restoring
  // the body goes through it, and its changes count as typing.
  const proseEditors = new Map()
  const editorListeners = []
  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail
    proseEditors.set(textarea, editor)
    editor.on("update", () => editorListeners.forEach((listener) => listener()))
  })

  const SKIPPED = new Set(["csrfmiddlewaretoken", "base_version"])
  const LABELS = "@labels:" // where a select's option texts ride along, to rebuild them

  function fieldsOf(form) {
    return Array.from(form.elements).filter(
      (el) =>
        el.name &&
        !el.disabled &&
        !SKIPPED.has(el.name) &&
        !el.name.startsWith("_") &&
        !["submit", "button", "reset", "file", "image"].includes(el.type),
    )
  }

  // The form's fields as {name: text or [texts]}: what a browser would post, plus every
  // checkbox group (empty when nothing is ticked, so restoring can untick).
  function serialize(form) {
    const data = {}
    const add = (name, value) => {
      if (!(name in data)) data[name] = value
      else data[name] = [].concat(data[name], value)
    }
    for (const el of fieldsOf(form)) {
      if (el.type === "checkbox") {
        data[el.name] = [].concat(data[el.name] || [], el.checked ? [el.value] : [])
      } else if (el.type === "radio") {
        if (el.checked) data[el.name] = el.value
        else if (!(el.name in data)) data[el.name] = ""
      } else if (el.tagName === "SELECT") {
        const chosen = Array.from(el.selectedOptions)
        data[el.name] = el.multiple ? chosen.map((o) => o.value) : el.value
        data[LABELS + el.name] = chosen.map((o) => o.text)
      } else {
        // The body as its editor holds it (what it writes back to the textarea on change).
        add(el.name, proseEditors.get(el)?.getHTML() ?? el.value)
      }
    }
    return data
  }

  // Resolves once every body editor on the page is built (their HTML is what is compared),
  // or after a few seconds, should one fail to load.
  function editorsReady() {
    const expected = document.querySelectorAll("textarea[data-django-prose-editor-configurable]")
    return new Promise((resolve) => {
      const check = () => {
        if (Array.from(expected).every((t) => proseEditors.has(t))) resolve()
        else return false
        return true
      }
      if (check()) return
      const onReady = () => check() && document.removeEventListener("prose-editor:ready", onReady)
      document.addEventListener("prose-editor:ready", onReady)
      window.setTimeout(resolve, 5000)
    })
  }

  function same(a, b) {
    return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b)
  }

  // The fields whose draft value differs from what the form holds now.
  function differences(form, draft) {
    const now = serialize(form)
    return Object.keys(draft).filter((name) => !name.startsWith(LABELS) && !same(now[name], draft[name]))
  }

  function fire(el) {
    el.dispatchEvent(new Event("input", { bubbles: true }))
    el.dispatchEvent(new Event("change", { bubbles: true }))
  }

  function restoreSelect(el, values, labels) {
    values.forEach((value, i) => {
      if (!Array.from(el.options).some((o) => o.value === value) && value !== "") {
        el.add(new Option(labels[i] || value, value)) // an autocomplete lists only its choice
      }
    })
    for (const option of el.options) option.selected = values.includes(option.value)
  }

  function restore(form, draft) {
    const seen = {}
    for (const el of fieldsOf(form)) {
      if (!(el.name in draft)) continue
      const value = draft[el.name]
      const values = [].concat(value)
      if (el.type === "checkbox") el.checked = values.includes(el.value)
      else if (el.type === "radio") el.checked = el.value === value
      else if (el.tagName === "SELECT") restoreSelect(el, values, draft[LABELS + el.name] || [])
      else {
        // Several inputs of one name are restored in order.
        const index = (seen[el.name] = (seen[el.name] ?? -1) + 1)
        el.value = Array.isArray(value) ? (value[index] ?? "") : value
        const editor = proseEditors.get(el)
        if (editor) editor.commands.setContent(el.value)
      }
      fire(el)
    }
  }

  function request(url, csrf, options = {}) {
    return fetch(url, {
      credentials: "same-origin",
      ...options,
      headers: { "X-CSRFToken": csrf, Accept: "application/json", ...(options.headers || {}) },
    }).then(async (response) => {
      const body = response.status === 204 ? null : await response.json().catch(() => null)
      if (!response.ok) throw new Error(body?.error?.message || `HTTP ${response.status}`)
      return body
    })
  }

  function setText(el, text) {
    el.textContent = text
    el.hidden = !text
  }

  function presence(root, form, csrf) {
    const url = root.dataset.presenceUrl
    const box = root.querySelector("[data-presence]")
    const people = root.querySelector("[data-presence-people]")
    const banner = root.querySelector("[data-lock-banner]")
    const notice = root.querySelector("[data-changed-notice]")
    const kind = root.dataset.kind || "item"
    const baseVersion = () => Number(form?.elements.base_version?.value || root.dataset.version)

    const renderPeople = (others) => {
      people.replaceChildren(
        ...others.map((person) => {
          const li = document.createElement("li")
          const avatar = document.createElement("span")
          avatar.className = "folio-avatar"
          avatar.textContent = person.initials
          avatar.title = person.name
          li.append(avatar, document.createTextNode(person.name))
          li.dataset.userId = person.id
          return li
        }),
      )
      box.hidden = others.length === 0
    }
    const renderLock = (state) => {
      banner.classList.toggle("folio-lock-banner--mine", Boolean(state.lock) && !state.locked_for_you)
      setText(banner, state.lock_banner)
    }
    const renderVersion = (version) => {
      setText(
        notice,
        version > baseVersion()
          ? `Someone changed this ${kind} since your form was loaded (now version ${version}): saving will be refused. Copy your changes, then reload.`
          : "",
      )
    }
    const render = (state) => {
      renderPeople(state.others)
      renderLock(state)
      renderVersion(state.version)
    }

    // The heartbeat over HTTP: while the editors' WebSocket is not watching the item
    // (not yet connected, refused, or down), and as the fallback where it never is.
    const beat = () =>
      request(url, csrf, { method: "POST" })
        .then(render)
        .catch(() => {}) // a missed beat is retried by the next one
    const seconds = Number(root.dataset.heartbeatSeconds) || 15
    let timer = null
    const poll = () => {
      if (timer === null) {
        beat()
        timer = window.setInterval(beat, seconds * 1000)
      }
    }
    const stopPolling = () => {
      window.clearInterval(timer)
      timer = null
    }
    window.addEventListener("pagehide", () => {
      // Over the socket, the server says goodbye when the page's connection closes.
      if (timer === null) return
      const goodbye = new FormData()
      goodbye.append("csrfmiddlewaretoken", csrf)
      goodbye.append("leave", "1")
      navigator.sendBeacon(url, goodbye)
    })

    const live = window.FolioRealtime
    const item = root.dataset.item
    if (!live || !item) return poll()
    // Over the socket the server keeps this page present, and says what changes at once.
    live.onStatus((open) => open || poll())
    live.watch(item, (frame) => {
      if (frame.event === "watching") {
        stopPolling()
        render(frame)
      } else if (frame.event === "presence") {
        renderPeople(frame.others)
      } else if (frame.event === "lock") {
        renderLock(frame)
      } else if (frame.event === "changed") {
        renderVersion(frame.version)
        if (!frame.by_you) {
          live.toast(item, `${frame.text} — reload to see it.`, {
            label: "Reload",
            run: () => window.location.reload(),
          })
        }
      } else if (frame.event === "error") {
        poll() // refused (the item is gone, or no longer the user's to see): HTTP says why
      }
    })
  }

  function autosave(root, form, csrf) {
    const url = root.dataset.autosaveUrl
    const status = root.querySelector("[data-autosave-status]")
    const offer = root.querySelector("[data-autosave-offer]")
    const delay = (Number(root.dataset.autosaveSeconds) || 3) * 1000
    const baseInput = form.elements.base_version
    let timer = null
    let paused = true // until the earlier slot, if any, is restored or discarded
    let stopped = false

    let edits = 0 // changes made so far; a save reports "saved" only if none came after it
    let early = false // typed while the slot was being read: saved as soon as autosave starts
    let sending = false
    let resend = false
    const save = () => {
      timer = null
      if (paused || stopped) return
      if (sending) {
        resend = true // one save at a time, so an older form never lands after a newer one
        return
      }
      sending = true
      const sent = edits
      const body = JSON.stringify({ data: serialize(form), base_version: Number(baseInput.value) })
      request(url, csrf, { method: "POST", headers: { "Content-Type": "application/json" }, body })
        .then((saved) => {
          if (!stopped && edits === sent) status.textContent = `Draft saved at ${saved.saved_at_display}`
        })
        .catch((error) => {
          status.textContent = `Autosave failed: ${error.message}`
        })
        .finally(() => {
          sending = false
          if (resend) {
            resend = false
            save()
          }
        })
    }
    const changed = () => {
      if (stopped) return
      edits += 1
      if (paused) {
        early = true
        return
      }
      status.textContent = "Unsaved changes…"
      window.clearTimeout(timer)
      timer = window.setTimeout(save, delay)
    }
    form.addEventListener("input", changed)
    form.addEventListener("change", changed)
    editorListeners.push(changed)
    // The explicit save clears the slot on the server: nothing may land after it.
    form.addEventListener("submit", () => {
      stopped = true
      window.clearTimeout(timer)
    })

    const start = () => {
      paused = false
      offer.hidden = true
      // A refused save came back with the editor's values, or the editor typed before the
      // slot was read: keep them at once.
      if (early || document.querySelector(".errornote, .errorlist")) save()
    }

    const propose = (state) => {
      const draft = state.draft
      const differing = differences(form, draft.data)
      if (differing.length === 0) return start() // nothing the form does not hold already
      setText(
        offer.querySelector("[data-offer-text]"),
        `Restore your unsaved changes from ${draft.saved_at_display}? (${differing.length} field(s) differ from this form.)`,
      )
      setText(
        offer.querySelector("[data-offer-conflict]"),
        state.conflict
          ? `Conflict: ${state.changed_by || "someone"} saved this item${state.changed_at_display ? ` at ${state.changed_at_display}` : ""} after your draft was started (version ${draft.base_version} → ${state.version}). Restored, your draft still refers to version ${draft.base_version}, so saving it will be refused rather than overwrite their changes: copy what you need, then reload.`
          : "",
      )
      offer.hidden = false
      status.textContent = "Autosave paused: restore or discard your earlier changes first."
      offer.querySelector("[data-offer-restore]").onclick = () => {
        restore(form, draft.data)
        baseInput.value = draft.base_version // the version check stays honest
        start()
        status.textContent = `Restored your changes from ${draft.saved_at_display}`
      }
      offer.querySelector("[data-offer-discard]").onclick = () => {
        request(url, csrf, { method: "DELETE" }).then(() => {
          start()
          status.textContent = "Discarded your earlier changes."
        })
      }
    }

    Promise.all([request(url, csrf), editorsReady()])
      .then(([state]) => (state.draft ? propose(state) : start()))
      .catch((error) => {
        status.textContent = `Autosave unavailable: ${error.message}`
      })
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("folio-editing")
    if (!root) return
    const form = document.querySelector("#content-main form input[name=base_version]")?.form
    const csrf =
      form?.elements.csrfmiddlewaretoken?.value ||
      root.querySelector("[name=csrfmiddlewaretoken]")?.value ||
      document.querySelector("[name=csrfmiddlewaretoken]")?.value
    presence(root, form, csrf)
    if (root.dataset.autosaveUrl && form) autosave(root, form, csrf)
  })
})()
