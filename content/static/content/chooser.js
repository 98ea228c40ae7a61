// Related objects chosen in a modal (content.admin.chooser). A native <dialog> (modal: the
// page behind is inert, Esc closes it) whose search asks the admin's chooser endpoint as the
// editor types; results are buttons.
// - Each [data-chooser] holds the form's hidden <select> (what is posted) and draws the
//   chosen objects from its options; choosing sets the options and fires "change", so
//   autosave and the form see it.
// - [data-chooser-images] is the body editor's image chooser: the editor's "Browse..."
//   calls window.open(pickerUrl + "?CKEditorFuncNum=n") and listens on the CKEditor-style
//   callback (django-prose-editor has no other hook); that one URL opens the modal instead
//   of a popup window, and choosing (or uploading) an image answers the callback.
;(() => {
  const DEBOUNCE_MS = 250

  function thumb(url) {
    const img = document.createElement("img")
    img.className = "folio-chooser__thumb"
    img.src = url
    img.alt = ""
    img.loading = "lazy"
    return img
  }

  function labelled(label, detail) {
    const span = document.createElement("span")
    span.className = "folio-chooser__label"
    span.append(document.createTextNode(label))
    if (detail) {
      const small = document.createElement("small")
      small.textContent = detail
      span.append(small)
    }
    return span
  }

  // The modal's search, results and pages; `choose(item)` is called on a result's click.
  // Returns open(returnFocusTo).
  function chooserDialog(dialog, url, { isChosen, choose }) {
    const search = dialog.querySelector("[data-chooser-search]")
    const status = dialog.querySelector("[data-chooser-status]")
    const results = dialog.querySelector("[data-chooser-results]")
    const previous = dialog.querySelector("[data-chooser-previous]")
    const next = dialog.querySelector("[data-chooser-next]")
    const pageLabel = dialog.querySelector("[data-chooser-page]")
    let page = 1
    let timer = null
    let pending = null
    let opener = null

    function show(data) {
      results.replaceChildren(
        ...data.results.map((item) => {
          const li = document.createElement("li")
          const button = document.createElement("button")
          button.type = "button"
          button.className = "folio-chooser-dialog__result"
          button.setAttribute("aria-pressed", String(isChosen(item.id)))
          if (item.thumbnail_url) button.append(thumb(item.thumbnail_url))
          button.append(labelled(item.label, item.detail))
          button.addEventListener("click", () => {
            choose(item)
            button.setAttribute("aria-pressed", String(isChosen(item.id)))
          })
          li.append(button)
          return li
        }),
      )
      const term = search.value.trim()
      status.textContent = data.results.length
        ? ""
        : term
          ? `Nothing matches “${term}”.`
          : "There is nothing to choose yet."
      previous.hidden = !data.has_previous
      next.hidden = !data.has_next
      pageLabel.textContent = data.has_previous || data.has_next ? `Page ${data.page}` : ""
    }

    async function load() {
      const address = new URL(url, window.location.href)
      address.searchParams.set("q", search.value.trim())
      address.searchParams.set("page", String(page))
      pending?.abort()
      pending = new AbortController()
      status.textContent = "Searching…"
      try {
        const response = await fetch(address, {
          headers: { Accept: "application/json" },
          signal: pending.signal,
          credentials: "same-origin",
        })
        const data = await response.json()
        if (!response.ok) {
          results.replaceChildren()
          status.textContent = data.error?.message || "The search failed."
          return
        }
        show(data)
      } catch (error) {
        if (error.name !== "AbortError") status.textContent = "The search failed; try again."
      }
    }

    const searchNow = () => {
      window.clearTimeout(timer)
      page = 1
      load()
    }
    search.addEventListener("input", () => {
      window.clearTimeout(timer)
      timer = window.setTimeout(searchNow, DEBOUNCE_MS)
    })
    search.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return
      event.preventDefault() // searching, not submitting the item's form
      searchNow()
    })
    previous.addEventListener("click", () => {
      page = Math.max(1, page - 1)
      load()
    })
    next.addEventListener("click", () => {
      page += 1
      load()
    })
    for (const button of dialog.querySelectorAll("[data-chooser-close]")) {
      button.addEventListener("click", () => dialog.close())
    }
    // A click on the backdrop (outside the box) closes it, as Esc does.
    dialog.addEventListener("click", (event) => {
      if (event.target !== dialog) return
      const box = dialog.getBoundingClientRect()
      const inside =
        event.clientX >= box.left &&
        event.clientX <= box.right &&
        event.clientY >= box.top &&
        event.clientY <= box.bottom
      if (!inside) dialog.close()
    })
    // Tab goes round the dialog's controls (a modal dialog alone lets it out to the browser).
    dialog.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return
      const controls = Array.from(dialog.querySelectorAll("button, input")).filter(
        (el) => !el.disabled && el.offsetParent !== null,
      )
      if (!controls.length) return
      const first = controls[0]
      const last = controls[controls.length - 1]
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault()
        last.focus()
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault()
        first.focus()
      }
    })
    dialog.addEventListener("close", () => {
      pending?.abort()
      opener?.focus()
    })

    return (returnFocusTo) => {
      opener = returnFocusTo
      page = 1
      dialog.showModal()
      search.focus()
      load()
    }
  }

  function changed(select) {
    select.dispatchEvent(new Event("input", { bubbles: true }))
    select.dispatchEvent(new Event("change", { bubbles: true }))
  }

  function setUpField(root) {
    const select = root.querySelector("select")
    const multiple = root.hasAttribute("data-multiple")
    const chosenList = root.querySelector("[data-chooser-chosen]")
    const none = root.querySelector("[data-chooser-none]")
    const openButton = root.querySelector("[data-chooser-open]")
    const clearButton = root.querySelector("[data-chooser-clear]")
    const dialog = root.querySelector("dialog")

    const chosen = () => Array.from(select.options).filter((o) => o.selected && o.value !== "")
    const isChosen = (id) => chosen().some((o) => o.value === id)

    // The chosen objects, drawn from the select's options (also after autosave restores it).
    function draw() {
      const options = chosen()
      chosenList.replaceChildren(
        ...options.map((option) => {
          const li = document.createElement("li")
          li.className = "folio-chooser__item"
          if (option.dataset.thumbnail) li.append(thumb(option.dataset.thumbnail))
          li.append(labelled(option.text, option.dataset.detail))
          if (multiple) {
            const remove = document.createElement("button")
            remove.type = "button"
            remove.className = "folio-btn folio-btn--small folio-btn--ghost"
            remove.textContent = "Remove"
            remove.setAttribute("aria-label", `Remove ${option.text}`)
            remove.addEventListener("click", () => {
              option.remove()
              changed(select)
              openButton.focus()
            })
            li.append(remove)
          }
          return li
        }),
      )
      none.hidden = options.length > 0
      if (clearButton) clearButton.hidden = options.length === 0
    }

    function choose(item) {
      if (multiple && isChosen(item.id)) {
        chosen()
          .find((o) => o.value === item.id)
          .remove()
        changed(select)
        return
      }
      if (!multiple) {
        for (const option of Array.from(select.options)) if (option.value !== "") option.remove()
      }
      const option = new Option(item.label, item.id, true, true)
      option.dataset.detail = item.detail || ""
      option.dataset.thumbnail = item.thumbnail_url || ""
      select.add(option)
      changed(select)
      if (!multiple) dialog.close()
    }

    const open = chooserDialog(dialog, root.dataset.url, { isChosen, choose })
    openButton.addEventListener("click", () => open(openButton))
    clearButton?.addEventListener("click", () => {
      select.value = ""
      changed(select)
      openButton.focus()
    })
    select.addEventListener("change", draw)
    draw()
  }

  // --- The body editor's images ---------------------------------------------------------

  function csrfToken() {
    return document.querySelector("[name=csrfmiddlewaretoken]")?.value || ""
  }

  function setUpBodyImages(root) {
    const dialog = root.querySelector("dialog")
    const pickerUrl = new URL(root.dataset.url, window.location.href).pathname
    let answer = null // the editor's callback for the "Browse..." being answered

    function use(image) {
      answer?.(image.url, { id: image.id, alternative_text: image.alt_text || "" })
      answer = null
      dialog.close()
    }

    const open = chooserDialog(dialog, root.dataset.url, { isChosen: () => false, choose: use })
    const browserOpen = window.open.bind(window)
    window.open = (address, ...rest) => {
      const target = address && new URL(String(address), window.location.href)
      if (!target || target.pathname !== pickerUrl) return browserOpen(address, ...rest)
      const funcNum = target.searchParams.get("CKEditorFuncNum")
      answer = (...args) => window.CKEDITOR?.tools?.callFunction(funcNum, ...args)
      open(document.activeElement)
      return null
    }

    const upload = root.querySelector("[data-chooser-upload]")
    if (!upload) return
    const file = upload.querySelector("[data-upload-file]")
    const alt = upload.querySelector("[data-upload-alt]")
    const status = upload.querySelector("[data-upload-status]")
    const submit = upload.querySelector("[data-upload-submit]")
    alt.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return
      event.preventDefault() // uploading, not submitting the item's form
      submit.click()
    })
    submit.addEventListener("click", async () => {
      if (!file.files.length) {
        status.textContent = "Choose a file first."
        return
      }
      const body = new FormData()
      body.append("file", file.files[0])
      if (alt.value.trim()) body.append("alt_text", alt.value.trim())
      status.textContent = "Uploading…"
      try {
        const response = await fetch(upload.dataset.uploadUrl, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
          credentials: "same-origin",
        })
        const data = await response.json()
        if (!response.ok) {
          status.textContent = data.error?.message || "The upload failed."
          return
        }
        if (data.kind !== "image") {
          status.textContent = "Only images can go in the body."
          return
        }
        status.textContent = ""
        file.value = ""
        alt.value = ""
        use(data)
      } catch {
        status.textContent = "The upload failed; try again."
      }
    })
  }

  function init() {
    document.querySelectorAll("[data-chooser]").forEach(setUpField)
    const images = document.querySelector("[data-chooser-images]")
    if (images) setUpBodyImages(images)
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init)
  else init()
})()
