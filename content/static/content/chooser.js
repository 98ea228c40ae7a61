// Related objects chosen in a modal (content.admin.chooser): each [data-chooser] holds the
// form's hidden <select> (what is posted), the chosen objects drawn from its options, and
// a native <dialog> (modal: the page behind is inert, Esc closes it) whose search asks the
// admin's chooser endpoint as the editor types. Results are buttons; choosing one sets
// the select's options and fires "change", so autosave and the form see it.
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

  function setUp(root) {
    const select = root.querySelector("select")
    const multiple = root.hasAttribute("data-multiple")
    const chosenList = root.querySelector("[data-chooser-chosen]")
    const none = root.querySelector("[data-chooser-none]")
    const openButton = root.querySelector("[data-chooser-open]")
    const clearButton = root.querySelector("[data-chooser-clear]")
    const dialog = root.querySelector("dialog")
    const search = dialog.querySelector("[data-chooser-search]")
    const status = dialog.querySelector("[data-chooser-status]")
    const results = dialog.querySelector("[data-chooser-results]")
    const previous = dialog.querySelector("[data-chooser-previous]")
    const next = dialog.querySelector("[data-chooser-next]")
    const pageLabel = dialog.querySelector("[data-chooser-page]")
    let page = 1
    let timer = null
    let pending = null

    const chosen = () => Array.from(select.options).filter((o) => o.selected && o.value !== "")

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
              changed()
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

    function changed() {
      select.dispatchEvent(new Event("input", { bubbles: true }))
      select.dispatchEvent(new Event("change", { bubbles: true }))
    }

    function isChosen(id) {
      return chosen().some((o) => o.value === id)
    }

    function choose(item) {
      if (!multiple) {
        for (const option of Array.from(select.options)) if (option.value !== "") option.remove()
      } else if (isChosen(item.id)) {
        chosen().find((o) => o.value === item.id).remove()
        changed()
        return
      }
      const option = new Option(item.label, item.id, true, true)
      option.dataset.detail = item.detail || ""
      option.dataset.thumbnail = item.thumbnail_url || ""
      select.add(option)
      changed()
      if (!multiple) dialog.close()
    }

    function show(data) {
      results.replaceChildren(
        ...data.results.map((item) => {
          const li = document.createElement("li")
          const button = document.createElement("button")
          button.type = "button"
          button.className = "folio-chooser-dialog__result"
          button.dataset.id = item.id
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
      status.textContent = data.results.length
        ? ""
        : search.value.trim()
          ? `Nothing matches “${search.value.trim()}”.`
          : "There is nothing to choose yet."
      previous.hidden = !data.has_previous
      next.hidden = !data.has_next
      pageLabel.textContent = data.has_previous || data.has_next ? `Page ${data.page}` : ""
    }

    async function load() {
      const url = new URL(root.dataset.url, window.location.href)
      url.searchParams.set("q", search.value.trim())
      url.searchParams.set("page", String(page))
      pending?.abort()
      pending = new AbortController()
      status.textContent = "Searching…"
      try {
        const response = await fetch(url, {
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

    openButton.addEventListener("click", () => {
      page = 1
      dialog.showModal()
      search.focus()
      load()
    })
    clearButton?.addEventListener("click", () => {
      select.value = ""
      changed()
      openButton.focus()
    })
    search.addEventListener("input", () => {
      window.clearTimeout(timer)
      timer = window.setTimeout(() => {
        page = 1
        load()
      }, DEBOUNCE_MS)
    })
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault() // searching, not submitting the item's form
        window.clearTimeout(timer)
        page = 1
        load()
      }
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
      if (event.target === dialog) {
        const box = dialog.getBoundingClientRect()
        const inside =
          event.clientX >= box.left &&
          event.clientX <= box.right &&
          event.clientY >= box.top &&
          event.clientY <= box.bottom
        if (!inside) dialog.close()
      }
    })
    dialog.addEventListener("close", () => {
      pending?.abort()
      openButton.focus()
    })
    select.addEventListener("change", draw)
    draw()
  }

  function init() {
    document.querySelectorAll("[data-chooser]").forEach(setUp)
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init)
  else init()
})()
