// The change form's live preview panel (templates/admin/content/preview_panel.html).
//
// As the editor types, the form's current data is posted to the item's preview endpoint
// (content.admin.preview) once typing pauses; nothing is saved. The answer is Folio's own
// rendering of the item, shown in a sandboxed frame (updated in place, so the reader's
// scroll position stays), or the frontend's preview address for the unsaved draft, which
// the frame loads. Invalid input shows the form's errors; the frame keeps the last good
// version. The width buttons lay the page out at a device's width, scaled to fit.
(() => {
  "use strict";

  const panel = document.getElementById("folio-preview");
  if (!panel) return;
  const form = document.getElementById(panel.dataset.form);
  const frame = panel.querySelector(".folio-preview-frame");
  const stage = panel.querySelector(".folio-preview-stage");
  const status = panel.querySelector(".folio-preview-status");
  const errors = panel.querySelector(".folio-preview-errors");
  const opener = document.querySelector(".folio-preview-tab");
  const host = panel.parentElement;
  const debounce = Number(panel.dataset.debounce) || 500;
  const frontend = panel.dataset.mode === "frontend";

  const saved = {
    get(key, fallback) {
      try {
        return window.localStorage.getItem(key) ?? fallback;
      } catch {
        return fallback; // storage disabled: the defaults
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, value);
      } catch {
        // storage disabled: the choice lasts for this page
      }
    },
  };

  let timer = null;
  let controller = null;
  let sequence = 0;
  let frameReady = false; // Folio's page is in the frame, so updates replace its body
  let lastBody = null; // the last answer shown

  const setStatus = (text) => {
    status.textContent = text;
  };

  // --- Size -------------------------------------------------------------------------

  function fit() {
    const button = panel.querySelector(`[data-device="${panel.dataset.device}"]`);
    const width = Number(button?.dataset.width || 0);
    if (!width) {
      Object.assign(frame.style, { width: "100%", height: "100%", transform: "" });
      panel.dataset.scale = "1";
      return;
    }
    // The page lays out at the device's width; a wider one is scaled down to the panel.
    const scale = Math.min(1, stage.clientWidth / width);
    Object.assign(frame.style, {
      width: `${width}px`,
      height: `${stage.clientHeight / scale}px`,
      transform: scale < 1 ? `scale(${scale})` : "",
    });
    panel.dataset.scale = scale.toFixed(2);
  }

  function setDevice(name) {
    if (!panel.querySelector(`[data-device="${name}"]`)) name = "fit";
    for (const button of panel.querySelectorAll("[data-device]")) {
      button.setAttribute("aria-pressed", String(button.dataset.device === name));
    }
    panel.dataset.device = name;
    saved.set("folio.preview.device", name);
    fit();
  }

  // --- Open and close -----------------------------------------------------------------

  function setOpen(open) {
    panel.hidden = !open;
    if (opener) opener.hidden = open;
    host.classList.add("folio-preview-host");
    host.classList.toggle("is-previewing", open);
    saved.set("folio.preview.open", open ? "1" : "0");
    if (open) {
      fit();
      refresh();
    } else {
      clearTimeout(timer);
    }
  }

  // --- Showing ------------------------------------------------------------------------

  function showPage(html) {
    const doc = frameReady && frame.contentDocument;
    if (!doc || !doc.body) {
      frame.srcdoc = html;
      return;
    }
    const next = new DOMParser().parseFromString(html, "text/html");
    doc.title = next.title;
    doc.body.replaceWith(doc.adoptNode(next.body));
  }

  function label(name) {
    if (name === "non_field_errors") return "";
    const found = document.querySelector(`label[for="id_${CSS.escape(name)}"]`);
    return (found ? found.textContent : name).replace(/:\s*$/, "").trim();
  }

  function showErrors(httpStatus, body) {
    const error = body && body.error;
    const title = document.createElement("p");
    title.textContent =
      error?.message ||
      (httpStatus ? `The preview failed (${httpStatus}).` : "The preview could not be reached.");
    const list = document.createElement("ul");
    for (const [name, messages] of Object.entries((httpStatus === 400 && error?.details) || {})) {
      for (const message of [].concat(messages)) {
        const item = document.createElement("li");
        const field = label(name);
        item.textContent = field ? `${field}: ${message}` : message;
        item.dataset.field = name;
        if (item.textContent !== title.textContent) list.append(item);
      }
    }
    errors.replaceChildren(title, ...(list.children.length ? [list] : []));
    errors.hidden = false;
    panel.classList.add("has-errors");
    setStatus("Showing the last version that could be shown.");
  }

  function show(body) {
    errors.hidden = true;
    errors.replaceChildren();
    panel.classList.remove("has-errors");
    if (body.mode === "frontend") {
      setStatus("Loading your site's preview…");
      frame.src = body.url;
      panel.dataset.shown = body.unsaved ? "unsaved" : "saved";
      return;
    }
    showPage(body.html);
    done(body);
  }

  function done(body) {
    panel.dataset.shown = body.unsaved ? "unsaved" : "saved";
    setStatus(
      body.unsaved
        ? "Showing your unsaved changes (not saved yet)."
        : `Showing the saved draft (revision ${body.revision}).`,
    );
  }

  // --- Asking -------------------------------------------------------------------------

  let submitting = false;

  async function refresh() {
    clearTimeout(timer);
    if (panel.hidden || submitting) return;
    controller?.abort();
    controller = new AbortController();
    const mine = ++sequence;
    panel.classList.add("is-loading");
    setStatus("Updating…");
    try {
      const response = await fetch(panel.dataset.url, {
        method: "POST",
        body: form ? new FormData(form) : new FormData(),
        headers: { Accept: "application/json", "X-CSRFToken": panel.dataset.csrf },
        credentials: "same-origin",
        signal: controller.signal,
      });
      const body = await response.json().catch(() => null);
      if (mine !== sequence) return; // a newer answer is on its way
      if (response.ok && body) {
        lastBody = body;
        show(body);
      } else {
        showErrors(response.status, body);
      }
    } catch (error) {
      if (error.name !== "AbortError" && mine === sequence) showErrors(0, null);
    } finally {
      if (mine === sequence) panel.classList.remove("is-loading");
    }
  }


  function schedule() {
    if (panel.hidden || submitting) return;
    clearTimeout(timer);
    setStatus("Changes not shown yet…");
    timer = setTimeout(refresh, debounce);
  }

  // --- Wiring -------------------------------------------------------------------------

  frame.addEventListener("load", () => {
    frameReady = !frontend && frame.hasAttribute("srcdoc");
    if (lastBody && !panel.classList.contains("has-errors")) done(lastBody);
  });
  for (const toggle of document.querySelectorAll("[data-preview-toggle]")) {
    toggle.addEventListener("click", () => setOpen(panel.hidden));
  }
  for (const button of panel.querySelectorAll("[data-device]")) {
    button.addEventListener("click", () => setDevice(button.dataset.device));
  }
  if (form) {
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // The admin's select2 widgets (autocomplete) announce changes through jQuery only.
    window.django?.jQuery?.(form).on("change", "select", schedule);
    // Saving: no preview is asked for any more (the page is leaving), none races the save.
    form.addEventListener("submit", () => {
      submitting = true;
      clearTimeout(timer);
      controller?.abort();
    });
  }
  if (window.ResizeObserver) new ResizeObserver(fit).observe(stage);

  setDevice(saved.get("folio.preview.device", "fit"));
  setOpen(saved.get("folio.preview.open", "1") === "1");
})();
